// The table of capabilities not built yet (see not_built_yet.hpp).
#include "spec/not_built_yet.hpp"

#include <array>

namespace sluice::detail {
namespace {

bool always(const Task&) { return true; }

constexpr std::array<NotBuiltYet, 4> kNotBuiltYet = {{
    {TaskField::Service, "services", always, {}},
    {TaskField::Executor, "the Slurm executor",
     [](const Task& t) { return t.executor == ExecutorKind::Slurm; }, R"({"const": "slurm"})"},
    {TaskField::Pty, "running a task under a pseudo-terminal", [](const Task& t) { return t.pty; },
     R"({"const": true})"},
    {TaskField::Call, "call tasks", always, {}},
}};

}  // namespace

std::span<const NotBuiltYet> not_built_yet() { return kNotBuiltYet; }

}  // namespace sluice::detail
