// Usage errors, said the way make or git would say them: the validators of
// count and choice options, and CLI11's parse errors rewritten as one line
// (see options.hpp). CLI11's own texts ("A subcommand is required", "Value 0
// not in range 0.000000 to 1797...") name neither the word at fault nor what
// was expected.
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "options.hpp"
#include "sluice/diagnostic.hpp"

namespace sluice::cli {

namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// ` (did you mean 'x'?)`, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string_view> candidates(names.begin(), names.end());
  auto best = closest_name(word, candidates);
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out.push_back(sub->get_name());
  return out;
}

/// The long options the command accepts: its own and the global ones. Short
/// ones are left out: any letter is one edit from any other.
std::vector<std::string> long_option_names(const CLI::App& app, const CLI::App* sub) {
  std::vector<std::string> out;
  for (const CLI::App* a : {sub, &app}) {
    if (!a) continue;
    for (const CLI::Option* o : a->get_options())
      for (const auto& n : o->get_lnames()) out.push_back("--" + n);
  }
  return out;
}

/// `sluice test`: a task run without `run` is pointed at `run`; any other
/// word gets the command it most likely meant.
std::string unknown_command(const std::string& word, const CLI::App& app, const Context& ctx) {
  std::string head = "unknown command '" + word + "'";
  if (names_a_task(ctx, word)) {
    std::string file = ctx.file.empty() ? "" : "-f " + ctx.file + " ";
    return head + " (to run task '" + word + "': sluice run " + file + word + ")";
  }
  std::vector<std::string> names = command_names(app);
  std::string hint = did_you_mean(word, names);
  return head + (hint.empty() ? " (commands: " + join(names, ", ") + ")" : hint);
}

std::string unknown_option(const std::string& arg, const CLI::App& app, const CLI::App* sub) {
  std::string name = arg.substr(0, arg.find('='));
  std::string hint = name.starts_with("--") ? did_you_mean(name, long_option_names(app, sub)) : "";
  return "unknown option '" + name + "'" + hint;
}

/// `sluice -n run`: an option of a command written before it.
std::string option_of_a_command(const std::string& arg, const CLI::App& app) {
  std::string name = arg.substr(0, arg.find('='));
  for (const CLI::App* cmd : app.get_subcommands([](const CLI::App*) { return true; }))
    if (cmd->get_option_no_throw(name))
      return "'" + name + "' is an option of '" + cmd->get_name() +
             "': write it after the command (sluice " + cmd->get_name() + " " + name + " ...)";
  return {};
}

/// CLI11's `--events: 1 required FILE missing` as getopt says it.
std::string missing_value(const std::string& what) {
  auto colon = what.find(": ");
  auto required = what.find(" required ");
  if (colon == std::string::npos || required == std::string::npos || !what.ends_with(" missing"))
    return what;
  std::string option = what.substr(0, colon);
  std::string type = what.substr(required + 10, what.size() - 8 - (required + 10));
  auto brace = type.find(":{");
  std::string hint;
  if (brace != std::string::npos && type.ends_with("}")) {
    std::string choices = type.substr(brace + 2, type.size() - brace - 3);
    for (auto& c : choices)
      if (c == ',') c = '/';
    hint = " (" + choices + ")";
  } else if (type != "TEXT") {
    hint = " (" + type + ")";
  }
  return "option '" + option + "' requires an argument" + hint;
}

// By type, not get_name(): an ExtrasError is named after the app.
template <typename T>
bool is(const CLI::Error& e) {
  return dynamic_cast<const T*>(&e) != nullptr;
}

std::string describe(const CLI::App& app, const CLI::App* sub, const CLI::Error& e,
                     const Context& ctx) {
  const bool no_command = !sub && is<CLI::RequiredError>(e);
  if (no_command || is<CLI::ExtrasError>(e)) {
    // The app's own leftovers stood before the command (or there is none).
    for (const std::string& arg : app.remaining(false)) {
      if (arg.size() > 1 && arg[0] == '-') {
        std::string misplaced = option_of_a_command(arg, app);
        return misplaced.empty() ? unknown_option(arg, app, nullptr) : misplaced;
      }
      if (!sub) return unknown_command(arg, app, ctx);
    }
    for (const std::string& arg : app.remaining(true)) {
      if (arg.size() > 1 && arg[0] == '-') return unknown_option(arg, app, sub);
      if (!sub) return unknown_command(arg, app, ctx);
      bool takes_some =
          !sub->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
      return "unexpected argument '" + arg + "'" +
             (takes_some ? "" : " (" + sub->get_name() + " takes no arguments)");
    }
  }
  if (no_command) return "no command given (commands: " + join(command_names(app), ", ") + ")";
  if (is<CLI::ArgumentMismatch>(e)) return missing_value(e.what());
  return e.what();
}

}  // namespace

CLI::Validator whole_number(int min) {
  return CLI::Validator(
      [min](std::string& s) -> std::string {
        int value = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, value);
        bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        if (ec == std::errc() && ptr == end && value >= min) return {};
        if (digits && ec == std::errc::result_out_of_range)
          return "expected a whole number from " + std::to_string(min) + " to " +
                 std::to_string(std::numeric_limits<int>::max()) + ", got '" + s + "'";
        return "expected a whole number >= " + std::to_string(min) + ", got '" + s + "'";
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> choices) {
  std::string desc = "{" + join(choices, ",") + "}";
  return CLI::Validator(
      [choices = std::move(choices)](std::string& s) -> std::string {
        for (const auto& c : choices)
          if (s == c) return {};
        return "expected one of " + join(choices, ", ") + ", got '" + s + "'" +
               did_you_mean(s, choices);
      },
      desc);
}

std::string usage_error(const CLI::App* app, const CLI::Error& e, const Context& ctx) {
  std::vector<CLI::App*> parsed = app->get_subcommands();
  const CLI::App* sub = parsed.empty() ? nullptr : parsed.front();
  // A word before the command is sluice's to refuse, not the command's.
  bool before =
      !app->remaining(false).empty() && (is<CLI::ExtrasError>(e) || is<CLI::RequiredError>(e));
  std::string who = "sluice" + (sub && !before ? " " + sub->get_name() : std::string());
  return who + ": " + describe(*app, sub, e, ctx) + "\n";
}

}  // namespace sluice::cli
