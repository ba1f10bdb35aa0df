// The JSON Schema of the pipeline format (SPEC §1), for editors. It agrees
// with the loader on every check a schema can express (keys, types,
// patterns, ranges): the key tables and limits are the loader's own
// (task_fields.hpp: each field's schema stands beside its reader;
// limits.hpp), what this build cannot run yet is refused as the
// loader refuses it (not_built_yet.hpp), and tests/schema/ runs a corpus of
// files through both. A test checks that docs/sluice.schema.json is exactly
// this output. It compiles under ajv's strict mode: no union types (anyOf
// instead), every `required` key declared beside it.
//
// What a schema cannot see: names (unknown tasks, pools, references), the
// merging of defaults into tasks, templates, a matrix's size, a duration
// written as a number finer than a millisecond, the YAML itself (duplicate
// keys, NUL escapes).
#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"
#include "spec/not_built_yet.hpp"
#include "spec/schema_parts.hpp"

namespace sluice {
namespace {

using namespace detail::schema;

Json task_properties() {
  Json p;
  for (const detail::TaskFieldSpec& spec : detail::kTaskFields)
    p[std::string(spec.name)] = spec.ops->schema();
  // What this build cannot run yet, refused as the loader refuses it.
  for (const detail::NotBuiltYet& row : detail::not_built_yet()) {
    std::string name(detail::task_field(row.field).name);
    std::string why = "not supported yet: " + std::string(row.what);
    if (row.schema_not.empty())
      p[name] = {{"description", why}, {"not", Json::object()}};
    else
      p[name] = {{"description", why},
                 {"allOf", {p[name], {{"not", Json::parse(row.schema_not)}}}}};
  }
  return p;
}

Json defs() {
  Json d;
  d["text"] = described(text(), "text; a number or a boolean is taken as written");
  d["path"] = text({{"minLength", 1}});
  d["pathList"] = list(ref("path"));
  d["script"] = text({{"pattern", "[^ \\t\\r\\n]"}});
  d["argv"] = list(ref("text"), 1);
  d["duration"] = duration();
  d["env"] = {{"type", "object"},
              {"propertyNames", {{"minLength", 1}, {"pattern", "^[^=]*$"}}},
              {"additionalProperties", ref("text")}};
  d["scalarMap"] = {{"type", "object"}, {"additionalProperties", ref("text")}};
  d["matrixValue"] = text({{"pattern", "^[^,=\\[\\]/\\s\\x00-\\x1f\\x7f]+$"}});
  d["stream"] =
      closed_object({{"file", ref("path")}, {"append", boolean()}, {"console", boolean()}});
  return d;
}

/// An interactive task owns the terminal: no pseudo-terminal.
Json interactive_without_pty() {
  return {{"not",
           {{"properties", {{"pty", {{"const", true}}}, {"interactive", {{"const", true}}}}},
            {"required", {"pty", "interactive"}}}}};
}

/// A file task refuses the process-only fields.
Json file_task_without_process_fields() {
  Json file_actions = Json::array();
  Json process_fields = Json::array();
  for (std::size_t i = 0; i < detail::kTaskFieldCount; ++i) {
    auto f = static_cast<detail::TaskField>(i);
    Json required = {{"required", {std::string(detail::kTaskFieldNames[i])}}};
    if (detail::is_file_action(f)) file_actions.push_back(required);
    if (detail::is_process_only(f)) process_fields.push_back(required);
  }
  return {{"not", {{"allOf", {{{"anyOf", file_actions}}, {{"anyOf", process_fields}}}}}}};
}

}  // namespace

std::string pipeline_json_schema() {
  Json task_props = task_properties();
  Json actions = Json::array();
  for (std::size_t i = 0; i < detail::kTaskFieldCount; ++i)
    if (detail::is_action(static_cast<detail::TaskField>(i)))
      actions.push_back(with_keys({std::string(detail::kTaskFieldNames[i])}));
  Json task = {{"type", "object"},
               {"properties", task_props},
               {"additionalProperties", false},
               {"oneOf", actions},
               {"allOf", {interactive_without_pty(), file_task_without_process_fields()}}};
  Json defaults_props = task_props;
  for (std::size_t i = 0; i < detail::kTaskFieldCount; ++i) {
    auto f = static_cast<detail::TaskField>(i);
    if (!detail::is_defaultable(f)) defaults_props.erase(std::string(detail::kTaskFieldNames[i]));
  }

  Json d = defs();
  d["task"] = task;

  Json top;
  top["name"] = described(ref("text"), "pipeline name; default: the file name without extension");
  top["description"] = described(ref("text"), "shown by `sluice list`");
  top["vars"] = described(ref("scalarMap"),
                          "template variables: ${{ vars.NAME }}; `--set KEY=VALUE` overrides");
  top["env"] = described(ref("env"), "environment for every process task");
  top["secrets"] = {{"type", "object"},
                    {"propertyNames", {{"pattern", detail::kIdentifierPattern}}},
                    {"additionalProperties",
                     {{"oneOf",
                       {closed_object({{"env", ref("path")}}, {"env"}),
                        closed_object({{"file", ref("path")}}, {"file"})}}}}};
  top["max_parallel"] = integer(detail::kCount);
  top["pools"] = {
      {"type", "object"},
      {"additionalProperties",
       {{"anyOf",
         {integer(detail::kCount),
          closed_object({{"size", integer(detail::kCount)},
                         {"rate", {{"type", "string"}, {"pattern", detail::kRatePattern}}}},
                        {"size"})}}}}};
  top["defaults"] = {
      {"type", "object"}, {"properties", defaults_props}, {"additionalProperties", false}};
  top["include"] = ref("pathList");
  top["dotenv"] = ref("pathList");
  // Entries are text as the loader reads them (a task may be named `1`).
  top["default_targets"] = described(list(ref("path"), 1),
                                     "what a bare `sluice run` runs: task names or output paths");
  top["tasks"] = {{"type", "object"},
                  {"minProperties", 1},
                  {"propertyNames", {{"pattern", "^[A-Za-z0-9_.-]+$"}}},
                  {"additionalProperties", ref("task")}};

  Json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                 {"title", "sluice pipeline"},
                 {"type", "object"},
                 {"properties", top},
                 {"patternProperties", {{"^x-", true}}},
                 {"additionalProperties", false},
                 // A file may hold only includes (their tasks join it).
                 {"anyOf", {with_keys({"tasks"}), with_keys({"include"})}},
                 {"$defs", d}};
  return schema.dump(2) + "\n";
}

}  // namespace sluice
