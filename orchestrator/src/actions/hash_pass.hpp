/// HashPass: hashes one input file on a pool thread, a step at a time: a
/// step reads (PreadSource) and hashes chunk after chunk until its budget,
/// the end of the file, an error, or a stop request, polled between chunks.
///
/// One thread at a time; the loop thread reads the results between steps.
#pragma once

#include <memory>
#include <stop_token>

#include "actions/hasher.hpp"
#include "actions/pread_source.hpp"

namespace sluice::detail {

class HashPass {
 public:
  HashPass(SharedFd fd, std::string path, std::size_t chunk, HashAlgo algo)
      : in_(std::move(fd), std::move(path), chunk), hasher_(make_hasher(algo)) {}

  PassStatus run(std::size_t budget, const std::stop_token& stop);
  /// After End: the digest in hex (once).
  std::string hex_digest() { return hasher_->hex_digest(); }
  std::uint64_t bytes_read() const { return in_.bytes_read(); }
  const IoError& error() const { return in_.error(); }

 private:
  PreadSource in_;
  std::unique_ptr<Hasher> hasher_;
};

}  // namespace sluice::detail
