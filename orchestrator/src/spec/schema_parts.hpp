/// Building blocks of the JSON Schema (schema.cpp), shared with the task
/// fields' own schemas (task_fields_*.cpp). Each mirrors a check of the
/// loader; ajv's strict mode is kept (no union types, `required` keys
/// declared beside them).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "spec/limits.hpp"

namespace sluice::detail::schema {

using Json = nlohmann::ordered_json;

/// `{"$ref": "#/$defs/NAME"}`
Json ref(const char* name);
/// `schema` with a description first.
Json described(Json schema, const char* description);
Json integer(IntRange r);
Json boolean();
/// An object with these keys present.
Json with_keys(const std::vector<std::string>& keys);
/// Text the loader reads as written: a string (with the checks in
/// `string`), or a number or boolean, taken as its text (SPEC §1.2).
Json text(Json string = Json::object());
/// An object with exactly these properties, `required` among them.
Json closed_object(Json properties, std::vector<std::string> required = {});
Json list(Json items, std::size_t min_items = 0);
/// A duration as parse_duration() reads it, or a number of seconds.
Json duration();

}  // namespace sluice::detail::schema
