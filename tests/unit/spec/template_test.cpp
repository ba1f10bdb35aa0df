// parse_template(), substitute() and rewrite_script(), the last one checked
// by running the rewritten script under the real /bin/sh with hostile values.
#include "spec/template.hpp"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace sluice::detail {
namespace {

std::vector<std::string> errors_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& e : parse_template(text).errors) out.push_back(std::to_string(e.offset) + ": " + e.message);
  return out;
}

TEST(ParseTemplate, SplitsLiteralsAndReferences) {
  const auto t = parse_template("cp ${{ vars.out }}/a ${{matrix.os}}!");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.pieces.size(), 5u);
  EXPECT_EQ(t.pieces[0].text, "cp ");
  EXPECT_TRUE(t.pieces[1].is_ref);
  EXPECT_EQ(t.pieces[1].ref.scope, "vars");
  EXPECT_EQ(t.pieces[1].ref.path, std::vector<std::string>{"out"});
  EXPECT_EQ(t.pieces[1].ref.offset, 3u);
  EXPECT_EQ(t.pieces[1].ref.length, 15u);
  EXPECT_EQ(t.pieces[2].text, "/a ");
  EXPECT_EQ(t.pieces[2].offset, 18u);
  EXPECT_EQ(t.pieces[3].ref.scope, "matrix");
  EXPECT_EQ(t.pieces[3].ref.path, std::vector<std::string>{"os"});
  EXPECT_EQ(t.pieces[4].text, "!");
}

TEST(ParseTemplate, EveryScope) {
  for (std::string scope : {"vars", "matrix", "env", "task", "pipeline"}) {
    const auto t = parse_template("${{ " + scope + ".a-b_c.d }}");
    ASSERT_TRUE(t.errors.empty()) << scope;
    ASSERT_EQ(t.pieces.size(), 1u);
    EXPECT_EQ(t.pieces[0].ref.scope, scope);
    EXPECT_EQ(t.pieces[0].ref.path, std::vector<std::string>{"a-b_c.d"});
  }
}

TEST(ParseTemplate, TaskOutputs) {
  struct Case {
    std::string text, name, key;
  };
  for (const Case& c : std::vector<Case>{
           {"${{ tasks.fetch.outputs.url }}", "fetch", "url"},
           {"${{tasks.a.b.outputs.k_1}}", "a.b", "k_1"},
           {"${{ tasks.build[os=linux,v=1.10].outputs.sha }}", "build[os=linux,v=1.10]", "sha"},
           {R"(${{ tasks."build[tag=a b\"c]".outputs.sha }})", "build[tag=a b\"c]", "sha"},
           {"${{ tasks.outputs.outputs.x }}", "outputs", "x"},
       }) {
    const auto t = parse_template(c.text);
    ASSERT_TRUE(t.errors.empty()) << c.text << ": " << t.errors[0].message;
    ASSERT_EQ(t.pieces.size(), 1u);
    EXPECT_EQ(t.pieces[0].ref.scope, "tasks");
    EXPECT_EQ(t.pieces[0].ref.path, (std::vector<std::string>{c.name, "outputs", c.key})) << c.text;
  }
}

TEST(ParseTemplate, DollarEscapeIsLiteral) {
  const auto t = parse_template("a $${{ vars.x }} $$ b");
  ASSERT_TRUE(t.errors.empty());
  std::string joined;
  for (const auto& p : t.pieces) {
    EXPECT_FALSE(p.is_ref);
    joined += p.text;
  }
  EXPECT_EQ(joined, "a ${{ vars.x }} $$ b");
  EXPECT_EQ(join_literal(t), joined);
}

TEST(ParseTemplate, ErrorsWithOffsets) {
  EXPECT_EQ(errors_of("ab ${{ vars.x"), std::vector<std::string>{"3: unterminated '${{' (no '}}' follows)"});
  EXPECT_EQ(errors_of("x${{ }}"), std::vector<std::string>{"1: empty reference '${{ }}'"});
  EXPECT_EQ(errors_of("x${{}}"), std::vector<std::string>{"1: empty reference '${{ }}'"});
  EXPECT_EQ(errors_of("${{ var.x }}"), std::vector<std::string>{"4: unknown scope 'var' (did you mean 'vars'?)"});
  EXPECT_EQ(errors_of("${{ secrets.x }}"),
            std::vector<std::string>{
                "4: unknown scope 'secrets' (scopes are vars, matrix, env, task, pipeline and tasks)"});
  EXPECT_EQ(errors_of("${{ vars }}"),
            std::vector<std::string>{"8: expected '.NAME' after 'vars': '${{ vars.NAME }}'"});
  EXPECT_EQ(errors_of("${{ vars. }}"),
            std::vector<std::string>{"9: expected a name of letters, digits, '_', '-' or '.' after 'vars.'"});
  EXPECT_EQ(errors_of("${{ vars.a b }}"), std::vector<std::string>{"10: expected '}}' after 'vars.a'"});
  EXPECT_EQ(errors_of("${{ vars.a$ }}"), std::vector<std::string>{"10: expected '}}' after 'vars.a'"});
  EXPECT_EQ(errors_of("${{ tasks.fetch.url }}"),
            std::vector<std::string>{"10: expected '${{ tasks.NAME.outputs.KEY }}'"});
  EXPECT_EQ(errors_of("${{ tasks.fetch.outputs. }}"),
            std::vector<std::string>{"10: expected '${{ tasks.NAME.outputs.KEY }}'"});
  EXPECT_EQ(errors_of(R"(${{ tasks."a.outputs.k }})"),
            std::vector<std::string>{"10: unterminated quoted task name"});
  EXPECT_EQ(errors_of("${{ %x }}"), std::vector<std::string>{"4: expected a reference like '${{ vars.NAME }}'"});
}

TEST(ParseTemplate, ReportsEveryError) {
  const auto t = parse_template("${{ a.x }} ok ${{ vars.y }} ${{ b.z }}");
  ASSERT_EQ(t.errors.size(), 2u);
  EXPECT_EQ(t.errors[0].offset, 4u);
  EXPECT_EQ(t.errors[1].offset, 32u);
}

TEST(ParseTemplate, LinearOnHostileInput) {
  // Thousands of openings with one closing at the very end: a rescan per
  // opening would be quadratic; this must stay quick and report each one.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "${{ vars.a b ";
  text += "}}";
  const auto t = parse_template(text);
  EXPECT_EQ(t.errors.size(), 20000u);
}

TEST(Substitute, ResolvesKnownAndKeepsTheRestWithoutRescanning) {
  const auto t = parse_template("a=${{ vars.a }} u=${{ tasks.f.outputs.u }}.");
  const auto s = substitute(t, [](const TemplateRef& r) -> std::optional<std::string> {
    if (r.scope == "vars") return std::string("${{ vars.a }}");  // a value that looks like a template
    return std::nullopt;
  });
  ASSERT_EQ(s.pieces.size(), 3u);
  EXPECT_EQ(s.pieces[0].text, "a=${{ vars.a }} u=");
  EXPECT_FALSE(s.pieces[0].is_ref);
  EXPECT_TRUE(s.pieces[1].is_ref);
  EXPECT_EQ(s.pieces[1].ref.path[0], "f");
  EXPECT_EQ(s.pieces[2].text, ".");
}

// ---- sh contexts -------------------------------------------------------

std::vector<ShContext> contexts_of(std::string_view script) {
  const auto t = parse_template(script);
  EXPECT_TRUE(t.errors.empty()) << script;
  const auto scan = scan_sh_contexts(t);
  EXPECT_FALSE(scan.error) << script << ": " << (scan.error ? scan.error->message : "");
  return scan.contexts;
}

std::string scan_error(std::string_view script) {
  const auto scan = scan_sh_contexts(parse_template(script));
  if (!scan.error) return "no error";
  return std::to_string(scan.error->offset) + ": " + scan.error->message;
}

using C = ShContext;
constexpr auto U = C::Unquoted;
constexpr auto S = C::SingleQuoted;
constexpr auto D = C::DoubleQuoted;
constexpr auto A = C::Arithmetic;
constexpr auto H = C::HereDoc;

TEST(ShContexts, QuotesAndEscapes) {
  EXPECT_EQ(contexts_of("echo ${{ vars.x }}"), std::vector<C>{U});
  EXPECT_EQ(contexts_of("echo '${{ vars.x }}'"), std::vector<C>{S});
  EXPECT_EQ(contexts_of("echo \"x=${{ vars.x }}\""), std::vector<C>{D});
  EXPECT_EQ(contexts_of("echo \\' ${{ vars.x }}"), std::vector<C>{U});
  EXPECT_EQ(contexts_of("echo \"\\\"${{ vars.x }}\" '\"' ${{ vars.y }}"), (std::vector<C>{D, U}));
  EXPECT_EQ(contexts_of("echo \"it's ${{ vars.x }}\""), std::vector<C>{D});
  EXPECT_EQ(contexts_of("echo $'a\\'${{ vars.x }}' ${{ vars.y }}"),
            (std::vector<C>{C::DollarSingleQuoted, U}));
  EXPECT_EQ(contexts_of("echo \"$'\" ${{ vars.x }}"), std::vector<C>{U});
}

TEST(ShContexts, Substitutions) {
  EXPECT_EQ(contexts_of("echo \"$(echo ${{ vars.x }} \"${{ vars.y }}\")\" ${{ vars.z }}"),
            (std::vector<C>{U, D, U}));
  EXPECT_EQ(contexts_of("echo \"`echo ${{ vars.x }}`${{ vars.y }}\""), (std::vector<C>{U, D}));
  EXPECT_EQ(contexts_of("echo $((1 + ${{ vars.n }})) ${{ vars.x }}"), (std::vector<C>{A, U}));
  EXPECT_EQ(contexts_of("echo $( (echo ${{ vars.x }}) ) '${{ vars.y }}'"), (std::vector<C>{U, S}));
  EXPECT_EQ(contexts_of("echo \"$((2 * (${{ vars.n }})))\" ${{ vars.x }}"), (std::vector<C>{A, U}));
  EXPECT_EQ(contexts_of("echo ${u:-${{ vars.x }}} \"${u:-${{ vars.y }}}\" ${u:-'${{ vars.z }}'}"),
            (std::vector<C>{U, U, S}));
  EXPECT_EQ(contexts_of("echo \"${u:-'}'}\" ${{ vars.x }}"), std::vector<C>{U});
}

TEST(ShContexts, Comments) {
  EXPECT_EQ(contexts_of("echo a # it's ${{ vars.x }}\necho '${{ vars.y }}'"), (std::vector<C>{U, S}));
  EXPECT_EQ(contexts_of("echo a#'${{ vars.x }}'"), std::vector<C>{S});
  EXPECT_EQ(contexts_of("echo ${{ vars.x }}#'${{ vars.y }}'"), (std::vector<C>{U, S}));
}

TEST(ShContexts, HereDocuments) {
  EXPECT_EQ(contexts_of("cat <<EOF\nit's ${{ vars.x }}\nEOF\necho '${{ vars.y }}'"), (std::vector<C>{H, S}));
  EXPECT_EQ(contexts_of("cat <<-EOF\n\t\"${{ vars.x }}\"\n\tEOF\n${{ vars.y }}"), (std::vector<C>{H, U}));
  EXPECT_EQ(contexts_of("cat <<A; cat <<'B'\n${{ vars.x }}\nA\n'it\nB\necho ${{ vars.y }}"),
            (std::vector<C>{H, U}));
  EXPECT_EQ(contexts_of("cat <<EOF\n$(echo ${{ vars.x }})\nEOF"), std::vector<C>{U});
  EXPECT_EQ(contexts_of("cat <<EOF\nEOF2 ${{ vars.x }}\nEOF"), std::vector<C>{H});
}

TEST(ShContexts, Errors) {
  EXPECT_EQ(scan_error("echo 'abc ${{ vars.x }}"), "5: unterminated single quote");
  EXPECT_EQ(scan_error("echo \"abc"), "5: unterminated double quote");
  EXPECT_EQ(scan_error("echo $(ls"), "5: unterminated '$('");
  EXPECT_EQ(scan_error("echo `ls"), "5: unterminated '`'");
  EXPECT_EQ(scan_error("echo ${x"), "5: unterminated '${'");
  EXPECT_EQ(scan_error("echo $((1"), "5: unterminated '$(('");
  EXPECT_EQ(scan_error("(( 1"), "0: unterminated '(('");
  EXPECT_EQ(scan_error("echo $[1"), "5: unterminated '$['");
  EXPECT_EQ(scan_error("echo ${a[1"), "5: unterminated '${'");
  EXPECT_EQ(scan_error("cat <<'EOF'\n${{ vars.x }}\nEOF"),
            "12: a template in a here-document with a quoted delimiter is never expanded");
  EXPECT_EQ(scan_error("cat <<\"E\"OF\nx ${{ vars.x }}\nEOF"),
            "14: a template in a here-document with a quoted delimiter is never expanded");
  EXPECT_EQ(scan_error("cat <<\\EOF\n${{ vars.x }}\nEOF"),
            "11: a template in a here-document with a quoted delimiter is never expanded");
  EXPECT_EQ(scan_error("cat <<${{ vars.x }}\nx\n"), "6: a template cannot be (part of) a here-document delimiter");
  EXPECT_EQ(scan_error("cat <<E${{ vars.x }}\nx\n"),
            "7: a template cannot be (part of) a here-document delimiter");
  EXPECT_EQ(scan_error("echo \\${{ vars.x }}"),
            "6: a template cannot follow a backslash (the backslash would quote part of it)");
  EXPECT_EQ(scan_error("cat <<'EOF'\nEOF\necho ${{ vars.x }}"), "no error");
}

/// Which references of `script` stand in shell arithmetic, as 0/1.
std::vector<int> arithmetic_of(std::string_view script) {
  const auto scan = scan_sh_contexts(parse_template(script));
  EXPECT_FALSE(scan.error) << script << ": " << (scan.error ? scan.error->message : "");
  EXPECT_EQ(scan.arithmetic.size(), scan.contexts.size());
  return std::vector<int>(scan.arithmetic.begin(), scan.arithmetic.end());
}

TEST(ShContexts, ArithmeticPlaces) {
  using V = std::vector<int>;
  const std::string x = "${{ vars.x }}";
  EXPECT_EQ(arithmetic_of("echo $(( 1 + " + x + " )) " + x), (V{1, 0}));
  EXPECT_EQ(arithmetic_of("echo $(( \"" + x + "\" )) $[ " + x + " ]"), (V{1, 1}));
  EXPECT_EQ(arithmetic_of("(( " + x + " > 1 )) && echo " + x), (V{1, 0}));
  EXPECT_EQ(arithmetic_of("if (( " + x + " )); then echo; fi"), (V{1}));
  EXPECT_EQ(arithmetic_of("let y=" + x + "+1 \"z = " + x + "\"; echo " + x), (V{1, 1, 0}));
  EXPECT_EQ(arithmetic_of("echo let " + x), (V{0}));
  EXPECT_EQ(arithmetic_of("[[ " + x + " -eq 1 && 2 -lt \"" + x + "\" ]] && echo " + x),
            (V{1, 1, 0}));
  EXPECT_EQ(arithmetic_of("[[ -f " + x + " || " + x + " == a ]]"), (V{0, 0}));
  EXPECT_EQ(arithmetic_of("echo ${a[" + x + "]} ${s:" + x + ":2} ${s:-" + x + "} ${#a[@]}"),
            (V{1, 1, 0}));
  // A command substitution inside arithmetic is a new command.
  EXPECT_EQ(arithmetic_of("echo $(( $(wc -l < " + x + ") + 1 ))"), (V{0}));
  // dash reads `((` as two subshells: a reference there must be an integer too.
  EXPECT_EQ(arithmetic_of("((echo " + x + "))"), (V{1}));
}

// ---- rewrite + execution -------------------------------------------------

std::string rewrite(std::string_view script) {
  const auto t = parse_template(script);
  const auto scan = scan_sh_contexts(t);
  EXPECT_FALSE(scan.error);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scan.contexts.size(); ++i) names.push_back("SLUICE_V_" + std::to_string(i + 1));
  return rewrite_script(t, scan.contexts, names);
}

TEST(RewriteScript, Spellings) {
  EXPECT_EQ(rewrite("echo ${{ vars.x }} '${{ vars.x }}' \"${{ vars.x }}\" $((${{ vars.n }}))"),
            "echo \"${SLUICE_V_1}\" ''\"${SLUICE_V_2}\"'' \"${SLUICE_V_3}\" $((${SLUICE_V_4}))");
  EXPECT_EQ(rewrite("cat <<E\n${{ vars.x }}\nE"), "cat <<E\n${SLUICE_V_1}\nE");
  EXPECT_EQ(rewrite("echo $'a${{ vars.x }}b'"), "echo $'a'\"${SLUICE_V_1}\"$'b'");
}

/// Runs `/bin/sh -c script` with SLUICE_V_1 = value; returns stdout.
std::string run_sh(const std::string& script, const std::string& value) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string_view(*e).rfind("SLUICE_V_", 0) != 0) env_strings.emplace_back(*e);
  env_strings.push_back("SLUICE_V_1=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", body = script;
  char* argv[] = {sh.data(), dash_c.data(), body.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  EXPECT_EQ(rc, 0);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << script;
  return out;
}

TEST(RewriteScript, EveryContextPrintsHostileValuesExactly) {
  const std::string pwned = "/tmp/sluice-tmpl-test-pwned-" + std::to_string(getpid());
  std::filesystem::remove(pwned);
  const std::vector<std::string> values = {
      "$(touch " + pwned + ")", "`touch " + pwned + "`", "`id`", "'", "\"", "\\", "a\\nb", "\n", "line1\nline2\n",
      "*", " a  b ", "$HOME", "${x}", ";rm -rf x", "", "${{ vars.y }}", "'\"$(touch " + pwned + ")\"'",
      "-n", "}", "EOF", "a'b\"c\\d$e`f", "\\\"", "%s\\t"};
  // printf '[%s]' shows the exact bytes; each script prints one value,
  // between `pre` and `post`.
  struct Script {
    std::string text, pre = "[", post = "]";
  };
  const std::vector<Script> scripts = {
      {"printf '[%s]' ${{ vars.x }}"},
      {"printf '[%s]' '${{ vars.x }}'"},
      {"printf '[%s]' 'pre ${{ vars.x }} post'", "[pre ", " post]"},
      {"printf '[%s]' \"${{ vars.x }}\""},
      {"printf '[%s]' \"x=${{ vars.x }}\"", "[x="},
      {"printf '[%s]' pre${{ vars.x }}post", "[pre", "post]"},
      {"printf '[%s]' \"$(printf '%s' ${{ vars.x }})\""},
      {"printf '[%s]' \"$(printf '%s' \"${{ vars.x }}\")\""},
      {"printf '[%s]' \"`printf '%s' ${{ vars.x }}`\""},
      {"printf '[%s]' ${u:-${{ vars.x }}}"},
      {"printf '[%s]' \"${u:-${{ vars.x }}}\""},
      {"v=${{ vars.x }}; printf '[%s]' \"$v\""},
      {"cat <<EOF\n[${{ vars.x }}]\nEOF", "[", "]\n"},
      {"cat <<-EOF\n\t[${{ vars.x }}]\n\tEOF", "[", "]\n"},
      {"printf '[%s]' ${{ vars.x }} # it's ${{ vars.x }}"},
  };
  for (const Script& script : scripts) {
    const std::string rewritten = rewrite(script.text);
    // Command substitution drops trailing newlines by definition.
    const bool substituted =
        script.text.find("$(") != std::string::npos || script.text.find('`') != std::string::npos;
    for (const std::string& value : values) {
      std::string expected = value;
      if (substituted)
        while (!expected.empty() && expected.back() == '\n') expected.pop_back();
      EXPECT_EQ(run_sh(rewritten, value), script.pre + expected + script.post)
          << "script: " << script.text << "\nvalue: " << value;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(pwned));
  std::filesystem::remove(pwned);
}

TEST(RewriteScript, ArithmeticUsesTheNumber) {
  EXPECT_EQ(run_sh(rewrite("echo $((${{ vars.n }} * 2))"), "21"), "42\n");
}

}  // namespace
}  // namespace sluice::detail
