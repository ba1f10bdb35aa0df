/// Settings of the format (SPEC §1.2) that this build validates in full but
/// cannot run yet. Each is refused at load time with its location ("not
/// supported yet: ..."), never accepted and then ignored, hung on or run
/// elsewhere; the JSON schema refuses the same (schema.cpp). When a
/// capability lands, its row goes: nothing else names it.
#pragma once

#include <span>
#include <string_view>

#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"

namespace sluice::detail {

struct NotBuiltYet {
  TaskField field;        ///< the task field that asks for it
  std::string_view what;  ///< the capability, after "not supported yet: "
  /// Whether a task (this field set, as loaded) asks for it.
  bool (*asks)(const Task&);
  /// The JSON Schema of what the schema refuses in this field, or empty for
  /// the whole field.
  std::string_view schema_not;
};

std::span<const NotBuiltYet> not_built_yet();

}  // namespace sluice::detail
