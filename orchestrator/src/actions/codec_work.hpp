/// CodecWork: one (de)compression stream as the pool sees it: the codec,
/// the input chunks handed over, and the output chunks it made. The loop
/// thread and a pool thread take turns (the loop touches it only while no
/// job runs; ThreadPool's hand-over orders the two), so it needs no lock.
#pragma once

#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "actions/stream_codec.hpp"

namespace sluice::detail {

struct CodecWork {
  std::unique_ptr<StreamCodec> codec;
  std::deque<IoBuffer> input;   ///< to consume, in order
  std::size_t consumed = 0;     ///< of input.front()
  bool last = false;            ///< no input after `input`
  IoBuffer partial;             ///< output not full yet
  std::vector<IoBuffer> ready;  ///< full output chunks (and the last one)
  std::vector<IoBuffer> spent;  ///< input buffers used up
  std::vector<IoBuffer> spare;  ///< empty output buffers to reuse
  bool done = false;
  std::string error;

  /// Runs the codec until it needs input it has not got, has `max_ready`
  /// chunks of output, ends, fails, or is asked to stop.
  void run(std::size_t chunk, std::size_t max_ready, const std::stop_token& stop);
};

}  // namespace sluice::detail
