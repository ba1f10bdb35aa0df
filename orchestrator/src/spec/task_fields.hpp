/// The task fields (SPEC §1.2): one table, kTaskFields, of each field's
/// name, its reader (how the task builder reads it into a Task) and its JSON
/// Schema, which also gives the names for "did you mean" (kTaskFieldNames).
/// The loader, the suggestions and `sluice schema` read this one table, so
/// they cannot disagree about which fields exist or what each takes.
///
/// The readers live by concern, each beside its schema (FieldOps):
/// task_fields_command.cpp (what runs and where), task_fields_file.cpp (file
/// actions, call), task_fields_io.cpp (stdin, stdout, stderr),
/// task_fields_policy.cpp (timeouts, retries, flags, pools, services,
/// executor, resources). Each reads one field of the task being built
/// (TaskBuild, task_builder.hpp) and reports its own problems.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace sluice::detail {

/// Every task field; the table below is in this order.
enum class TaskField : unsigned char {
  Description,
  Run,
  Cmd,
  Copy,
  Concat,
  Write,
  Hash,
  Compress,
  Decompress,
  Call,
  Shell,
  Needs,
  Inputs,
  Outputs,
  WorkingDir,
  If,
  Pty,
  Interactive,
  Env,
  Stdin,
  Stdout,
  Stderr,
  Timeout,
  Grace,
  Retry,
  ContinueOnError,
  Always,
  Pool,
  Priority,
  Matrix,
  Service,
  Executor,
  Resources,
};
inline constexpr std::size_t kTaskFieldCount = 33;

struct FieldRef;
class TaskBuild;
using FieldReaderFn = void (*)(TaskBuild&, const FieldRef&);
using FieldSchemaFn = nlohmann::ordered_json (*)();

/// How a field takes part in a task.
enum FieldRole : std::uint8_t {
  kAction = 1,       ///< exactly one per task
  kDefaultable = 2,  ///< `defaults` may set it (SPEC §1.1)
  kFileAction = 4,   ///< an action moving bytes between files (copy ... decompress)
  kProcessOnly = 8,  ///< means something for a process only: a file task refuses it
};

/// A field's reader and its JSON Schema, defined side by side in
/// task_fields_*.cpp.
struct FieldOps {
  /// Reads the field into the task; null for `matrix`, which the builder
  /// expands before the task exists.
  FieldReaderFn read;
  FieldSchemaFn schema;
};

struct TaskFieldSpec {
  TaskField field;
  std::string_view name;
  std::uint8_t roles;
  const FieldOps* ops;
};

namespace fields {
// task_fields_command.cpp
extern const FieldOps kDescriptionField, kRunField, kCmdField, kShellField, kNeedsField,
    kInputsField, kOutputsField, kWorkingDirField, kIfField, kEnvField;
// task_fields_file.cpp
extern const FieldOps kCopyField, kConcatField, kWriteField, kHashField, kCompressField,
    kDecompressField, kCallField;
// task_fields_io.cpp
extern const FieldOps kStdinField, kStdoutField, kStderrField;
// task_fields_policy.cpp
extern const FieldOps kPtyField, kInteractiveField, kContinueOnErrorField, kAlwaysField,
    kTimeoutField, kGraceField, kRetryField, kPoolField, kPriorityField, kMatrixField,
    kServiceField, kExecutorField, kResourcesField;
}  // namespace fields

inline constexpr std::array<TaskFieldSpec, kTaskFieldCount> kTaskFields = {{
    {TaskField::Description, "description", kDefaultable, &fields::kDescriptionField},
    {TaskField::Run, "run", kAction, &fields::kRunField},
    {TaskField::Cmd, "cmd", kAction, &fields::kCmdField},
    {TaskField::Copy, "copy", kAction | kFileAction, &fields::kCopyField},
    {TaskField::Concat, "concat", kAction | kFileAction, &fields::kConcatField},
    {TaskField::Write, "write", kAction | kFileAction, &fields::kWriteField},
    {TaskField::Hash, "hash", kAction | kFileAction, &fields::kHashField},
    {TaskField::Compress, "compress", kAction | kFileAction, &fields::kCompressField},
    {TaskField::Decompress, "decompress", kAction | kFileAction, &fields::kDecompressField},
    {TaskField::Call, "call", kAction, &fields::kCallField},
    {TaskField::Shell, "shell", kDefaultable | kProcessOnly, &fields::kShellField},
    {TaskField::Needs, "needs", 0, &fields::kNeedsField},
    {TaskField::Inputs, "inputs", kDefaultable, &fields::kInputsField},
    {TaskField::Outputs, "outputs", kDefaultable, &fields::kOutputsField},
    {TaskField::WorkingDir, "working_dir", kDefaultable, &fields::kWorkingDirField},
    {TaskField::If, "if", kDefaultable, &fields::kIfField},
    {TaskField::Pty, "pty", kDefaultable | kProcessOnly, &fields::kPtyField},
    {TaskField::Interactive, "interactive", kDefaultable | kProcessOnly, &fields::kInteractiveField},
    {TaskField::Env, "env", kDefaultable, &fields::kEnvField},
    {TaskField::Stdin, "stdin", kDefaultable | kProcessOnly, &fields::kStdinField},
    {TaskField::Stdout, "stdout", kDefaultable | kProcessOnly, &fields::kStdoutField},
    {TaskField::Stderr, "stderr", kDefaultable | kProcessOnly, &fields::kStderrField},
    {TaskField::Timeout, "timeout", kDefaultable, &fields::kTimeoutField},
    {TaskField::Grace, "grace", kDefaultable | kProcessOnly, &fields::kGraceField},
    {TaskField::Retry, "retry", kDefaultable, &fields::kRetryField},
    {TaskField::ContinueOnError, "continue_on_error", kDefaultable, &fields::kContinueOnErrorField},
    {TaskField::Always, "always", kDefaultable, &fields::kAlwaysField},
    {TaskField::Pool, "pool", kDefaultable, &fields::kPoolField},
    {TaskField::Priority, "priority", kDefaultable, &fields::kPriorityField},
    {TaskField::Matrix, "matrix", 0, &fields::kMatrixField},
    {TaskField::Service, "service", 0, &fields::kServiceField},
    {TaskField::Executor, "executor", kDefaultable, &fields::kExecutorField},
    {TaskField::Resources, "resources", kDefaultable, &fields::kResourcesField},
}};

static_assert(
    [] {
      for (std::size_t i = 0; i < kTaskFieldCount; ++i)
        if (kTaskFields[i].field != static_cast<TaskField>(i)) return false;
      return true;
    }(),
    "kTaskFields is in TaskField order");

/// The field names, in table order: what "did you mean" chooses from.
inline constexpr std::array<std::string_view, kTaskFieldCount> kTaskFieldNames = [] {
  std::array<std::string_view, kTaskFieldCount> names{};
  for (std::size_t i = 0; i < kTaskFieldCount; ++i) names[i] = kTaskFields[i].name;
  return names;
}();

inline constexpr const TaskFieldSpec& task_field(TaskField f) {
  return kTaskFields[static_cast<std::size_t>(f)];
}
inline constexpr bool is_action(TaskField f) {
  return (task_field(f).roles & kAction) != 0;
}
inline constexpr bool is_file_action(TaskField f) {
  return (task_field(f).roles & kFileAction) != 0;
}
/// Whether only a process task may set the field: a file task has no
/// process, no shell and no output streams (a default does not reach it).
inline constexpr bool is_process_only(TaskField f) {
  return (task_field(f).roles & kProcessOnly) != 0;
}
/// Whether `defaults` may set the field: not actions, needs, matrix or service.
inline constexpr bool is_defaultable(TaskField f) {
  return (task_field(f).roles & kDefaultable) != 0;
}

}  // namespace sluice::detail
