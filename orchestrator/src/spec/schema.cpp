// The JSON Schema of the pipeline format (SPEC §1), for editors. It agrees
// with the loader on every check a schema can express (keys, types,
// patterns, ranges): the key tables and limits are the loader's own
// (loader.hpp, limits.hpp), what this build cannot run yet is refused as the
// loader refuses it (not_built_yet.hpp), and tests/schema/ runs a corpus of
// files through both. A test checks that docs/sluice.schema.json is exactly
// this output. It compiles under ajv's strict mode: no union types (anyOf
// instead), every `required` key declared beside it.
//
// What a schema cannot see: names (unknown tasks, pools, references), the
// merging of defaults into tasks, templates, a matrix's size, a duration
// written as a number finer than a millisecond, the YAML itself (duplicate
// keys, NUL escapes).
#include <nlohmann/json.hpp>

#include "sluice/pipeline.hpp"
#include "spec/limits.hpp"
#include "spec/loader.hpp"
#include "spec/not_built_yet.hpp"

namespace sluice {
namespace {

using Json = nlohmann::ordered_json;
using detail::IntRange;

Json ref(const char* name) { return Json{{"$ref", std::string("#/$defs/") + name}}; }

Json described(Json schema, const char* description) {
  Json out{{"description", description}};
  out.update(schema);
  return out;
}

Json integer(IntRange r) {
  return Json{{"type", "integer"}, {"minimum", r.min}, {"maximum", r.max}};
}

Json boolean() { return Json{{"type", "boolean"}}; }

/// An object with these keys (ajv's strict mode wants each declared beside
/// `required`).
Json with_keys(const std::vector<std::string>& keys) {
  Json properties = Json::object();
  for (const auto& k : keys) properties[k] = true;
  return Json{{"properties", properties}, {"required", keys}};
}

/// Text the loader reads as written: a number or a boolean is its text
/// (SPEC §1.2). `string` holds what only strings can be checked for.
Json text(Json string = Json::object()) {
  Json s{{"type", "string"}};
  s.update(string);
  return Json{{"anyOf", {s, {{"type", "number"}}, {{"type", "boolean"}}}}};
}

Json closed_object(Json properties, std::vector<std::string> required = {}) {
  Json o{
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) o["required"] = required;
  return o;
}

Json list(Json items, std::size_t min_items = 0) {
  Json l{{"type", "array"}, {"items", std::move(items)}};
  if (min_items > 0) l["minItems"] = min_items;
  return l;
}

// A duration as parse_duration() reads it: components h, m, s, ms in that
// order, each at most once, each a whole number of milliseconds (so at most
// 5, 4 and 3 significant fraction digits for h, m and s), or a bare number
// of seconds; or a number of seconds.
Json duration() {
  const std::string n = "[0-9]+";
  auto frac = [](int digits) {
    return digits == 0 ? std::string("(\\.0+)?") : "(\\.[0-9]{1," + std::to_string(digits) + "}0*)?";
  };
  const std::string pattern = "^(" + n + frac(3) + "|(" + n + frac(5) + "h)?(" + n + frac(4) +
                              "m)?(" + n + frac(3) + "s)?(" + n + frac(0) + "ms)?)$";
  return {{"description", "250ms, 30s, 5m, 1h30m; a bare number is seconds"},
          {"anyOf",
           {{{"type", "string"}, {"minLength", 1}, {"pattern", pattern}},
            {{"type", "number"}, {"minimum", 0}, {"maximum", detail::kMaxDurationSeconds}}}}};
}

Json file_actions(Json& p) {
  Json compress = closed_object({{"from", ref("path")},
                                 {"to", ref("path")},
                                 {"format", {{"enum", {"gzip", "zstd"}}}},
                                 {"level", integer(detail::kCompressLevel)}},
                                {"from", "to"});
  // gzip (given, or taken when `to` does not end in .zst) stops at 9.
  compress["if"] = {
      {"anyOf",
       {{{"properties", {{"format", {{"const", "gzip"}}}}}, {"required", {"format"}}},
        {{"properties", {{"to", {{"not", {{"type", "string"}, {"pattern", "\\.zst$"}}}}}}},
         {"not", with_keys({"format"})}}}}};
  compress["then"] = {
      {"properties", {{"level", {{"type", "integer"}, {"maximum", detail::kGzipMaxLevel}}}}}};
  p["copy"] = closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
  p["concat"] =
      closed_object({{"from", list(ref("path"), 1)}, {"to", ref("path")}}, {"from", "to"});
  p["write"] = closed_object({{"to", ref("path")}, {"content", ref("text")}}, {"to", "content"});
  p["hash"] = closed_object({{"files", list(ref("path"), 1)},
                             {"algo", {{"enum", {"sha256", "xxh3"}}, {"default", "sha256"}}},
                             {"to", ref("path")}},
                            {"files", "to"});
  p["compress"] = compress;
  p["decompress"] = closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
  p["call"] = described(text({{"minLength", 1}}), "a C++ function registered by the embedding program");
  return p;
}

Json task_properties() {
  Json p;
  p["description"] = described(ref("text"), "shown by `sluice list`");
  p["run"] = described(ref("script"), "a shell script: `sh -c STRING` (see `shell`)");
  p["cmd"] = described(ref("argv"), "argv, executed directly (PATH lookup, no shell)");
  file_actions(p);
  p["shell"] = described(ref("argv"), "the shell for `run`; default [sh, -c]");
  p["needs"] = described(list(ref("text")),
                         "tasks that must finish first; a matrix base means every expansion");
  p["inputs"] = described(ref("pathList"), "files (or globs) read");
  p["outputs"] = described(ref("pathList"), "files written");
  p["working_dir"] = ref("path");
  p["if"] = described(ref("script"), "a shell command: exit 0 runs the task, 1-125 skips it");
  p["pty"] = boolean();
  p["interactive"] = boolean();
  p["env"] = ref("env");
  p["stdin"] = {{"anyOf",
                 {ref("text"), closed_object({{"file", ref("path")}}, {"file"}),
                  closed_object({{"task", ref("text")}}, {"task"})}}};
  p["stdout"] = ref("stream");
  p["stderr"] = ref("stream");
  p["timeout"] = ref("duration");
  p["grace"] = ref("duration");
  p["retry"] = {{"anyOf",
                 {integer(detail::kRetryLimit),
                  closed_object({{"limit", integer(detail::kRetryLimit)},
                                 {"delay", ref("duration")},
                                 {"backoff", {{"type", "number"}, {"minimum", 1}}},
                                 {"max_delay", ref("duration")},
                                 {"jitter", boolean()},
                                 {"on_exit", list(integer(detail::kExitCode))}},
                                {"limit"})}}};
  p["continue_on_error"] = boolean();
  p["always"] = boolean();
  p["pool"] = described(ref("text"), "a pool name from `pools`");
  p["priority"] = integer(detail::kPriority);
  p["matrix"] = {{"type", "object"},
                 {"minProperties", 1},
                 {"propertyNames", {{"pattern", detail::kIdentifierPattern}}},
                 {"additionalProperties", list(ref("matrixValue"), 1)}};
  Json probe = {{"type", "object"},
                {"minProperties", 1},
                {"maxProperties", 1},
                {"properties",
                 {{"tcp", integer(detail::kPort)},
                  {"http", ref("text")},
                  {"log", ref("text")},
                  {"cmd", ref("argv")},
                  {"delay", ref("duration")}}},
                {"additionalProperties", false}};
  p["service"] = closed_object({{"ready", probe}, {"ready_timeout", ref("duration")}});
  p["executor"] = {{"enum", {"local", "slurm"}}};
  p["resources"] = closed_object({{"cpus", integer(detail::kCount)},
                                  {"mem", ref("text")},
                                  {"time", ref("text")},
                                  {"partition", ref("text")}});
  // What this build cannot run yet, refused as the loader refuses it.
  for (const detail::NotBuiltYet& row : detail::not_built_yet()) {
    std::string name(detail::kTaskFieldNames[static_cast<std::size_t>(row.field)]);
    std::string why = "not supported yet: " + std::string(row.what);
    if (row.schema_not.empty())
      p[name] = {{"description", why}, {"not", Json::object()}};
    else
      p[name] = {{"description", why}, {"allOf", {p[name], {{"not", Json::parse(row.schema_not)}}}}};
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
  d["stream"] = closed_object({{"file", ref("path")}, {"append", boolean()}, {"console", boolean()}});
  return d;
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
               // An interactive task owns the terminal: no pseudo-terminal.
               {"not",
                {{"properties", {{"pty", {{"const", true}}}, {"interactive", {{"const", true}}}}},
                 {"required", {"pty", "interactive"}}}}};
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
