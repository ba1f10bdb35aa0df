#include "actions/codec_work.hpp"

namespace sluice::detail {

void CodecStream::run(CodecBatch& batch, std::size_t chunk, std::size_t max_ready,
                      const std::stop_token& stop) {
  using Status = StreamCodec::Status;
  for (auto& buffer : batch.input) input_.push_back(std::move(buffer));
  batch.input.clear();
  last_ = last_ || batch.last;
  if (done_ || !error_.empty()) {  // a job queued behind the end or a failure
    for (auto& buffer : input_) batch.spent.push_back(std::move(buffer));
    input_.clear();
  }
  while (!done_ && error_.empty() && batch.ready.size() < max_ready && !stop.stop_requested()) {
    if (input_.empty() && !last_) break;
    bool final_input = last_ && input_.size() <= 1;
    std::string_view in;
    if (!input_.empty()) in = input_.front().view().substr(consumed_);
    if (partial_.capacity() == 0) {
      if (batch.spare.empty()) {
        partial_ = IoBuffer(chunk);
      } else {
        partial_ = std::move(batch.spare.back());
        batch.spare.pop_back();
        partial_.resize(0);
      }
    }
    std::size_t before = in.size();
    Status status = codec->step(in, partial_, final_input);
    consumed_ += before - in.size();
    if (!input_.empty() && consumed_ == input_.front().size()) {
      batch.spent.push_back(std::move(input_.front()));
      input_.pop_front();
      consumed_ = 0;
    }
    if (status == Status::Failed) {
      error_ = codec->error();
    } else if (status == Status::OutputFull || (status == Status::Done && !partial_.empty())) {
      batch.ready.push_back(std::move(partial_));
      partial_ = IoBuffer();
    }
    if (status == Status::Done) done_ = true;
  }
  batch.done = done_;
  batch.error = error_;
  batch.more = !done_ && error_.empty() && (!input_.empty() || last_);
}

}  // namespace sluice::detail
