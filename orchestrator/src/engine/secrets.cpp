// Secret values are read here and only here (see secrets.hpp).
#include "engine/secrets.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::detail {

SecretValues read_secrets(const Pipeline& pipeline) {
  SecretValues out;
  for (const auto& s : pipeline.secrets) {
    if (s.source == Secret::Source::Env) {
      const char* v = std::getenv(s.ref.c_str());
      if (!v) {
        out.error = "secret '" + s.name + "': environment variable " + s.ref + " is not set";
        return out;
      }
      out.values.emplace_back(s.name, v);
      continue;
    }
    std::ifstream in(s.ref, std::ios::binary);
    if (!in) {
      out.error = "secret '" + s.name + "': cannot read " + s.ref;
      return out;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    // A token file usually ends with a newline that is not part of the token.
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    out.values.emplace_back(s.name, std::move(value));
  }
  return out;
}

}  // namespace sluice::detail
