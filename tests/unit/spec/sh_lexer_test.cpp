// lex_sh() through ShInput directly: offsets, nesting limits, odd inputs.
#include "spec/sh_lexer.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(ShLexer, ErrorOffsetsComeFromTheSource) {
  ShInput in;
  in.add_text("echo ", 100);
  in.add_ref(105);
  in.add_text(" 'open", 120);
  const ShScan scan = lex_sh(in);
  ASSERT_TRUE(scan.error);
  EXPECT_EQ(scan.error->offset, 121u);
  EXPECT_EQ(scan.error->message, "unterminated single quote");
  EXPECT_EQ(scan.contexts, std::vector<ShContext>{ShContext::Unquoted});
}

TEST(ShLexer, EmptyScript) {
  const ShScan scan = lex_sh(ShInput{});
  EXPECT_FALSE(scan.error);
  EXPECT_TRUE(scan.contexts.empty());
}

TEST(ShLexer, DeepNestingIsAnErrorNotACrash) {
  ShInput in;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "\"$(";
  in.add_text(text, 0);
  const ShScan scan = lex_sh(in);
  ASSERT_TRUE(scan.error);
  EXPECT_EQ(scan.error->message, "script nested too deeply to find template contexts");
}

TEST(ShLexer, ReferenceBytesAreNotSyntax) {
  // A reference's placeholder must never act as a quote, whatever byte the
  // input stores for it, and a literal byte equal to it must not be a reference.
  ShInput in;
  in.add_text("echo x", 0);
  in.add_ref(6);
  in.add_text(" '", 7);
  in.add_ref(9);
  in.add_text("'", 10);
  const ShScan scan = lex_sh(in);
  ASSERT_FALSE(scan.error);
  EXPECT_EQ(scan.contexts, (std::vector<ShContext>{ShContext::Unquoted, ShContext::SingleQuoted}));
}

TEST(ShLexer, HereDocumentAtEndOfScriptAndHereStrings) {
  ShInput in;
  in.add_text("cat <<EOF\nbody ", 0);
  in.add_ref(15);
  ShScan scan = lex_sh(in);
  ASSERT_FALSE(scan.error);
  EXPECT_EQ(scan.contexts, std::vector<ShContext>{ShContext::HereDoc});

  ShInput here_string;
  here_string.add_text("cat <<< x\n", 0);
  here_string.add_ref(10);
  scan = lex_sh(here_string);
  ASSERT_FALSE(scan.error);
  EXPECT_EQ(scan.contexts, std::vector<ShContext>{ShContext::Unquoted});
}

}  // namespace
}  // namespace sluice::detail
