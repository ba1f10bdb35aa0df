// Building blocks of the JSON Schema (see schema_parts.hpp).
#include "spec/schema_parts.hpp"

namespace sluice::detail::schema {

Json ref(const char* name) {
  return Json{{"$ref", std::string("#/$defs/") + name}};
}

Json described(Json schema, const char* description) {
  Json out{{"description", description}};
  out.update(schema);
  return out;
}

Json integer(IntRange r) {
  return Json{{"type", "integer"}, {"minimum", r.min}, {"maximum", r.max}};
}

Json boolean() {
  return Json{{"type", "boolean"}};
}

/// An object with these keys (ajv's strict mode wants each declared beside
/// `required`).
Json with_keys(const std::vector<std::string>& keys) {
  Json properties = Json::object();
  for (const auto& k : keys) properties[k] = true;
  return Json{{"properties", properties}, {"required", keys}};
}

/// Text the loader reads as written: a number or a boolean is its text
/// (SPEC §1.2). `string` holds what only strings can be checked for.
Json text(Json string) {
  Json s{{"type", "string"}};
  s.update(string);
  return Json{{"anyOf", {s, {{"type", "number"}}, {{"type", "boolean"}}}}};
}

Json closed_object(Json properties, std::vector<std::string> required) {
  Json o{
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) o["required"] = required;
  return o;
}

Json list(Json items, std::size_t min_items) {
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
    return digits == 0 ? std::string("(\\.0+)?")
                       : "(\\.[0-9]{1," + std::to_string(digits) + "}0*)?";
  };
  const std::string pattern = "^(" + n + frac(3) + "|(" + n + frac(5) + "h)?(" + n + frac(4) +
                              "m)?(" + n + frac(3) + "s)?(" + n + frac(0) + "ms)?)$";
  return {{"description", "250ms, 30s, 5m, 1h30m; a bare number is seconds"},
          {"anyOf",
           {{{"type", "string"}, {"minLength", 1}, {"pattern", pattern}},
            {{"type", "number"}, {"minimum", 0}, {"maximum", kMaxDurationSeconds}}}}};
}

}  // namespace sluice::detail::schema
