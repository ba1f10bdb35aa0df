// layers.txt's grammar and the include scan; see layer_rules.hpp.
#include "layers/layer_rules.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

namespace sluice::layers {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVocabulary = "sluice";
constexpr std::string_view kCli = "cli";
constexpr std::string_view kPublic = "include/sluice";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  while (!(s = trim(s)).empty()) {
    const auto end = std::min(s.find_first_of(" \t"), s.size());
    out.emplace_back(s.substr(0, end));
    s.remove_prefix(end);
  }
  return out;
}

bool is_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// One line of layers.txt, comment removed: "<head>: <rest>".
struct Entry {
  std::string_view head;
  std::string_view rest;
};

std::optional<Entry> split_entry(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return Entry{trim(line.substr(0, colon)), trim(line.substr(colon + 1))};
}

class RulesParser {
 public:
  explicit RulesParser(std::string_view name) : name_(name) {}

  void line(std::string_view text, int number) {
    text = trim(text.substr(0, text.find('#')));
    if (text.empty()) return;
    const auto entry = split_entry(text);
    const auto head = entry ? words(entry->head) : std::vector<std::string>{};
    if (head.size() == 2 && head[0] == "private" && !words(entry->rest).empty()) {
      out_.rules.private_headers.push_back({head[1], words(entry->rest)});
      private_lines_.push_back(number);
    } else if (head.size() == 2 && head[0] == "allow" && words(entry->rest).size() == 1) {
      out_.rules.exceptions.push_back({head[1], std::string(entry->rest), number});
    } else if (head.size() == 1 && is_name(head[0])) {
      layer(head[0], words(entry->rest), number);
    } else {
      error(number,
            "cannot read this line (expected 'LAYER: LAYERS...', 'private HEADER: LAYERS...' "
            "or 'allow FILE: HEADER')");
    }
  }

  ParsedRules finish() {
    for (std::size_t i = 0; i < out_.rules.private_headers.size(); ++i) {
      for (const auto& layer : out_.rules.private_headers[i].layers) {
        if (!out_.rules.may_include.contains(layer)) {
          error(private_lines_[i], "'" + layer + "' is not a layer");
        }
      }
    }
    return std::move(out_);
  }

 private:
  void layer(const std::string& name, const std::vector<std::string>& deps, int number) {
    auto& rules = out_.rules;
    if (rules.may_include.contains(name)) {
      error(number, "layer '" + name + "' is defined twice");
      return;
    }
    for (const auto& dep : deps) {
      if (dep == kCli || dep == name || !rules.may_include.contains(dep)) {
        error(number, "'" + dep + "' is not a layer defined above " + name +
                          " (lower layers come first)");
      }
    }
    rules.may_include[name] = deps;
    rules.order.push_back(name);
  }

  void error(int number, const std::string& message) {
    out_.errors.push_back(name_ + ":" + std::to_string(number) + ": " + message);
  }

  std::string name_;
  ParsedRules out_;
  std::vector<int> private_lines_;
};

/// The include a line names, if it is an #include: {"<" or "\"", path}.
std::optional<std::pair<char, std::string_view>> included(std::string_view line) {
  line = trim(line);
  if (!line.starts_with('#')) return std::nullopt;
  line = trim(line.substr(1));
  if (!line.starts_with("include")) return std::nullopt;
  line = trim(line.substr(7));
  if (line.empty() || (line[0] != '<' && line[0] != '"')) return std::nullopt;
  const char close = line[0] == '<' ? '>' : '"';
  const auto end = line.find(close, 1);
  if (end == std::string_view::npos) return std::nullopt;
  return std::pair{line[0], line.substr(1, end - 1)};
}

bool is_source(const fs::path& p) {
  static const std::set<std::string> kExtensions = {".h", ".hh", ".hpp", ".c", ".cc", ".cpp", ".ipp"};
  return kExtensions.contains(p.extension().string());
}

std::string spelled(char open, std::string_view path) {
  return open == '<' ? "<" + std::string(path) + ">" : "\"" + std::string(path) + "\"";
}

class TreeChecker {
 public:
  TreeChecker(const LayerRules& rules, const fs::path& root, std::string_view rules_name)
            : rules_(rules),
        root_(root.has_filename() ? root : root.parent_path()),
        rules_name_(rules_name), used_(rules.exceptions.size()) {}

  CheckResult run() {
    scan_layers();
    scan(root_ / "cli", std::string(kCli));
    scan(root_ / "include" / "sluice", std::string(kPublic));
    for (std::size_t i = 0; i < rules_.exceptions.size(); ++i) {
      if (used_[i]) continue;
      const auto& e = rules_.exceptions[i];
      out_.violations.push_back(rules_name_ + ":" + std::to_string(e.line) +
                                ": exception not needed: " + e.file + " does not include \"" +
                                e.header + "\"; remove it");
    }
    return std::move(out_);
  }

 private:
  void scan_layers() {
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root_ / "src", ec)) {
      if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& dir : dirs) {
      const std::string layer = dir.filename().string();
      if (layer == kCli || !rules_.may_include.contains(layer)) {
        out_.violations.push_back(display(dir) + "/: '" + layer + "' is not a layer in " +
                                  rules_name_);
        continue;
      }
      scan(dir, layer);
    }
  }

  void scan(const fs::path& dir, const std::string& owner) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && is_source(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) check_file(file, owner);
  }

  void check_file(const fs::path& file, const std::string& owner) {
    ++out_.files;
    std::ifstream in(file);
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
      if (const auto inc = included(text)) {
        if (auto why = verdict(display(file), owner, inc->second)) {
          out_.violations.push_back(display(file) + ":" + std::to_string(number) +
                                    ": includes " + spelled(inc->first, inc->second) + ": " +
                                    *why);
        }
      }
    }
  }

  /// Why `file` (of layer `owner`) may not include `path`, or nothing.
  std::optional<std::string> verdict(const std::string& file, const std::string& owner,
                                     std::string_view path) {
    for (std::size_t i = 0; i < rules_.exceptions.size(); ++i) {
      const auto& e = rules_.exceptions[i];
      if (e.file == file && e.header == path) {
        used_[i] = true;
        return std::nullopt;
      }
    }
    if (path.find("..") != std::string_view::npos) return "a relative path leaves the layer";
    for (const auto& p : rules_.private_headers) {
      const bool match = p.header.ends_with('/') ? path.starts_with(p.header) : path == p.header;
      if (!match) continue;
      if (std::find(p.layers.begin(), p.layers.end(), owner) != p.layers.end()) return std::nullopt;
      std::string layers;
      for (const auto& layer : p.layers) layers += (layers.empty() ? "" : ", ") + layer;
      return "private to " + layers;
    }
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) return std::nullopt;  // beside the file, or a system header
    const std::string target(path.substr(0, slash));
    if (target == kVocabulary || target == owner) return std::nullopt;
    const bool is_layer = (rules_.may_include.contains(target) && target != kCli) ||
                          fs::is_directory(root_ / "src" / target);
    if (!is_layer) return std::nullopt;  // a third-party header such as <sys/wait.h>
    const auto arrows = rules_.may_include.find(owner);
    if (arrows != rules_.may_include.end() &&
        std::find(arrows->second.begin(), arrows->second.end(), target) != arrows->second.end()) {
      return std::nullopt;
    }
    std::string allowed;
    if (arrows != rules_.may_include.end()) {
      for (const auto& a : arrows->second) allowed += a + ", ";
    }
    return owner + " may not include " + target + " (" + owner + " may include: " + allowed +
           std::string(kVocabulary) + "/)";
  }

  std::string display(const fs::path& p) const {
    return (root_.filename() / p.lexically_relative(root_)).generic_string();
  }

  const LayerRules& rules_;
  fs::path root_;
  std::string rules_name_;
  std::vector<bool> used_;
  CheckResult out_;
};

}  // namespace

ParsedRules parse_layer_rules(std::string_view text, std::string_view name) {
  RulesParser parser(name);
  int number = 1;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    parser.line(text.substr(0, end), number++);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return parser.finish();
}

CheckResult check_tree(const LayerRules& rules, const std::filesystem::path& root,
                       std::string_view rules_name) {
  return TreeChecker(rules, root, rules_name).run();
}

}  // namespace sluice::layers
