#include "actions/codec_work.hpp"

namespace sluice::detail {

void CodecWork::run(std::size_t chunk, std::size_t max_ready, const std::stop_token& stop) {
  using Status = StreamCodec::Status;
  while (!done && error.empty() && ready.size() < max_ready && !stop.stop_requested()) {
    if (input.empty() && !last) return;
    bool final_input = last && input.size() <= 1;
    std::string_view in;
    if (!input.empty()) in = input.front().view().substr(consumed);
    if (partial.capacity() == 0) {
      if (spare.empty()) {
        partial = IoBuffer(chunk);
      } else {
        partial = std::move(spare.back());
        spare.pop_back();
        partial.resize(0);
      }
    }
    std::size_t before = in.size();
    Status status = codec->step(in, partial, final_input);
    consumed += before - in.size();
    if (!input.empty() && consumed == input.front().size()) {
      spent.push_back(std::move(input.front()));
      input.pop_front();
      consumed = 0;
    }
    if (status == Status::Failed) {
      error = codec->error();
    } else if (status == Status::OutputFull || (status == Status::Done && !partial.empty())) {
      ready.push_back(std::move(partial));
      partial = IoBuffer();
    }
    if (status == Status::Done) done = true;
  }
}

}  // namespace sluice::detail
