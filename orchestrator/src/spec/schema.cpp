// The JSON Schema of the pipeline format (SPEC §1), for editors. Built from
// the same key tables as the loader (loader.hpp), and a test checks that
// docs/sluice.schema.json is exactly this output, so the three cannot drift.
#include <nlohmann/json.hpp>

#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"

namespace sluice {
namespace {

using Json = nlohmann::ordered_json;

Json ref(const char* name) {
  return Json{{"$ref", std::string("#/$defs/") + name}};
}

Json str(const char* description) {
  return Json{{"type", "string"}, {"description", description}};
}

Json closed_object(Json properties, std::vector<std::string> required = {}) {
  Json o{
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) o["required"] = required;
  return o;
}

Json task_properties() {
  Json p;
  p["description"] = str("shown by `sluice list`");
  p["run"] = str("a shell script: `sh -c STRING` (see `shell`)");
  p["cmd"] = {{"description", "argv, executed directly (PATH lookup, no shell)"},
              {"$ref", "#/$defs/stringList"},
              {"minItems", 1}};
  p["copy"] = closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
  p["concat"] = closed_object({{"from", ref("pathList")}, {"to", ref("path")}}, {"from", "to"});
  p["write"] =
      closed_object({{"to", ref("path")}, {"content", {{"type", "string"}}}}, {"to", "content"});
  p["hash"] = closed_object({{"files", ref("pathList")},
                             {"algo", {{"enum", {"sha256", "xxh3"}}, {"default", "sha256"}}},
                             {"to", ref("path")}},
                            {"files", "to"});
  p["compress"] = closed_object({{"from", ref("path")},
                                 {"to", ref("path")},
                                 {"format", {{"enum", {"gzip", "zstd"}}}},
                                 {"level", {{"type", "integer"}, {"minimum", 0}, {"maximum", 22}}}},
                                {"from", "to"});
  p["decompress"] = closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
  p["call"] = str("a C++ function registered by the embedding program");
  p["shell"] = {{"description", "the shell for `run`; default [sh, -c]"},
                {"$ref", "#/$defs/stringList"},
                {"minItems", 1}};
  p["needs"] = {
      {"description", "tasks that must finish first; a matrix base means every expansion"},
      {"$ref", "#/$defs/stringList"}};
  p["inputs"] = {{"description", "files (or globs) read"}, {"$ref", "#/$defs/pathList"}};
  p["outputs"] = {{"description", "files written"}, {"$ref", "#/$defs/pathList"}};
  p["working_dir"] = ref("path");
  p["if"] = str("a shell command: exit 0 runs the task, 1-125 skips it");
  p["pty"] = {{"type", "boolean"}};
  p["interactive"] = {{"type", "boolean"}};
  p["env"] = ref("scalarMap");
  p["stdin"] = {{"oneOf",
                 {{{"type", "string"}},
                  closed_object({{"file", ref("path")}}, {"file"}),
                  closed_object({{"task", {{"type", "string"}}}}, {"task"})}}};
  p["stdout"] = ref("stream");
  p["stderr"] = ref("stream");
  p["timeout"] = ref("duration");
  p["grace"] = ref("duration");
  p["retry"] = {
      {"oneOf",
       {{{"type", "integer"}, {"minimum", 0}},
        closed_object({{"limit", {{"type", "integer"}, {"minimum", 0}}},
                       {"delay", ref("duration")},
                       {"backoff", {{"type", "number"}, {"minimum", 1}}},
                       {"max_delay", ref("duration")},
                       {"jitter", {{"type", "boolean"}}},
                       {"on_exit",
                        {{"type", "array"},
                         {"items", {{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}}}}},
                      {"limit"})}}};
  p["continue_on_error"] = {{"type", "boolean"}};
  p["always"] = {{"type", "boolean"}};
  p["pool"] = str("a pool name from `pools`");
  p["priority"] = {{"type", "integer"}};
  p["matrix"] = {{"type", "object"},
                 {"minProperties", 1},
                 {"additionalProperties",
                  {{"type", "array"}, {"minItems", 1}, {"items", ref("matrixValue")}}}};
  Json probe = {{"type", "object"},
                {"minProperties", 1},
                {"maxProperties", 1},
                {"properties",
                 {{"tcp", {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}}},
                  {"http", {{"type", "string"}}},
                  {"log", {{"type", "string"}}},
                  {"cmd", ref("stringList")},
                  {"delay", ref("duration")}}},
                {"additionalProperties", false}};
  p["service"] = closed_object({{"ready", probe}, {"ready_timeout", ref("duration")}});
  p["executor"] = {{"enum", {"local", "slurm"}}};
  p["resources"] = closed_object({{"cpus", {{"type", "integer"}, {"minimum", 1}}},
                                  {"mem", {{"type", {"string", "number"}}}},
                                  {"time", {{"type", {"string", "number"}}}},
                                  {"partition", {{"type", "string"}}}});
  return p;
}

}  // namespace

std::string pipeline_json_schema() {
  Json task_props = task_properties();
  Json actions = Json::array();
  for (std::size_t i = 0; i < detail::kTaskFieldCount; ++i)
    if (detail::is_action(static_cast<detail::TaskField>(i)))
      actions.push_back({{"required", {std::string(detail::kTaskFieldNames[i])}}});
  Json task = {{"type", "object"},
               {"properties", task_props},
               {"additionalProperties", false},
               {"oneOf", actions}};
  Json defaults_props = task_props;
  for (std::size_t i = 0; i < detail::kTaskFieldCount; ++i) {
    auto f = static_cast<detail::TaskField>(i);
    if (detail::is_action(f) || f == detail::TaskField::Needs || f == detail::TaskField::Matrix ||
        f == detail::TaskField::Service)
      defaults_props.erase(std::string(detail::kTaskFieldNames[i]));
  }

  Json defs;
  defs["duration"] = {
      {"description", "250ms, 30s, 5m, 1h30m; a bare number is seconds"},
      {"oneOf",
       {{{"type", "string"}, {"pattern", "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$|^[0-9]+(\\.[0-9]+)?$"}},
        {{"type", "number"}, {"minimum", 0}}}}};
  defs["path"] = {{"type", "string"}, {"minLength", 1}};
  defs["pathList"] = {{"type", "array"}, {"items", {{"$ref", "#/$defs/path"}}}};
  defs["stringList"] = {{"type", "array"}, {"items", {{"type", "string"}}}};
  defs["scalarMap"] = {{"type", "object"},
                       {"additionalProperties", {{"type", {"string", "number", "boolean"}}}}};
  defs["matrixValue"] = {{"type", {"string", "number", "boolean"}},
                         {"pattern", "^[^,=\\[\\]/\\s\\x00-\\x1f\\x7f]+$"}};
  defs["stream"] = closed_object({{"file", ref("path")},
                                  {"append", {{"type", "boolean"}}},
                                  {"console", {{"type", "boolean"}}}});
  defs["task"] = task;

  Json top;
  top["name"] = str("pipeline name; default: the file name without extension");
  top["description"] = str("shown by `sluice list`");
  top["vars"] = {
      {"description", "template variables: ${{ vars.NAME }}; `--set KEY=VALUE` overrides"},
      {"$ref", "#/$defs/scalarMap"}};
  top["env"] = {{"description", "environment for every process task"},
                {"$ref", "#/$defs/scalarMap"}};
  top["secrets"] = {{"type", "object"},
                    {"propertyNames", {{"pattern", "^[A-Za-z_][A-Za-z0-9_]*$"}}},
                    {"additionalProperties",
                     {{"oneOf",
                       {closed_object({{"env", {{"type", "string"}}}}, {"env"}),
                        closed_object({{"file", ref("path")}}, {"file"})}}}}};
  top["max_parallel"] = {{"type", "integer"}, {"minimum", 1}};
  top["pools"] = {
      {"type", "object"},
      {"additionalProperties",
       {{"oneOf",
         {{{"type", "integer"}, {"minimum", 1}},
          closed_object({{"size", {{"type", "integer"}, {"minimum", 1}}},
                         {"rate", {{"type", "string"}, {"pattern", "^[0-9]+(\\.[0-9]+)?/[sm]$"}}}},
                        {"size"})}}}}};
  top["defaults"] = {
      {"type", "object"}, {"properties", defaults_props}, {"additionalProperties", false}};
  top["include"] = ref("pathList");
  top["dotenv"] = ref("pathList");
  top["default_targets"] = {
      {"description", "what a bare `sluice run` runs: task names or output paths"},
      {"type", "array"},
      {"minItems", 1},
      {"items", {{"type", "string"}, {"minLength", 1}}}};
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
                 {"required", {"tasks"}},
                 {"$defs", defs}};
  return schema.dump(2) + "\n";
}

}  // namespace sluice
