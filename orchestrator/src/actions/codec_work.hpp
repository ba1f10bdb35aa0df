/// CodecStream and CodecBatch: one (de)compression stream as the pool sees
/// it. The stream (the codec, input not yet used up, output not yet full)
/// belongs to the pool: its jobs run on one ThreadPool strand, one at a
/// time, so the loop thread can queue the next job while one runs. Each job
/// carries a CodecBatch: the loop thread fills its first half before
/// submitting and reads its second half in the job's `done` (ThreadPool's
/// hand-over orders the two), so neither needs a lock.
#pragma once

#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "actions/stream_codec.hpp"

namespace sluice::detail {

struct CodecBatch {
  // Loop -> pool.
  std::vector<IoBuffer> input;  ///< to consume after what the stream holds
  bool last = false;            ///< no input after `input`
  std::vector<IoBuffer> spare;  ///< empty output buffers to reuse (unused ones come back)
  // Pool -> loop.
  std::vector<IoBuffer> ready;  ///< full output chunks (and the last one), in order
  std::vector<IoBuffer> spent;  ///< input buffers used up
  bool done = false;            ///< the stream has ended
  bool more = false;            ///< stopped with work left (its output cap): run again
  std::string error;
};

struct CodecStream {
  std::unique_ptr<StreamCodec> codec;  ///< set by the loop thread before the first job

  /// A job: takes `batch`'s input, runs the codec until it needs input it
  /// has not got, has made `max_ready` chunks of output, ends, fails, or is
  /// asked to stop, and fills the rest of `batch`.
  void run(CodecBatch& batch, std::size_t chunk, std::size_t max_ready,
           const std::stop_token& stop);

 private:
  std::deque<IoBuffer> input_;  ///< to consume, in order
  std::size_t consumed_ = 0;    ///< of input_.front()
  bool last_ = false;
  IoBuffer partial_;  ///< output not full yet
  bool done_ = false;
  std::string error_;
};

}  // namespace sluice::detail
