#include "actions/file_action.hpp"

#include "actions/action_base.hpp"

namespace sluice::detail {

std::unique_ptr<FileActionRun> make_file_action(const Task& task, FileActionContext context,
                                                FileActionRun::OnDone on_done) {
  switch (task.action) {
    case ActionKind::Copy:
    case ActionKind::Concat:
      return make_transfer_action(task, std::move(context), std::move(on_done));
    case ActionKind::Compress:
    case ActionKind::Decompress:
      return make_codec_action(task, std::move(context), std::move(on_done));
    case ActionKind::Hash:
      return make_hash_action(task, std::move(context), std::move(on_done));
    case ActionKind::Write:
      return make_write_action(task, std::move(context), std::move(on_done));
    case ActionKind::Run:
    case ActionKind::Cmd:
    case ActionKind::Call:
      break;
  }
  return nullptr;
}

}  // namespace sluice::detail
