// The memory shape of the public model (sluice/pipeline.hpp): rarely used
// task fields behind one copy-by-value pointer, templates as text + refs.
#include <gtest/gtest.h>

#include "sluice/pipeline.hpp"

namespace sluice {
namespace {

TEST(PipelineModel, ATaskWithoutExtrasReadsTheDefaults) {
  Task t;
  EXPECT_FALSE(t.has_extras());
  EXPECT_EQ(t.extras().retry.limit, 0);
  EXPECT_EQ(t.extras().retry.delay, Duration(1000));
  EXPECT_EQ(t.extras().resources.cpus, 1);
  EXPECT_TRUE(t.extras().stdout_spec.console);
  EXPECT_FALSE(t.extras().if_cmd.has_value());
  EXPECT_FALSE(t.has_extras()) << "reading must not allocate";
}

TEST(PipelineModel, CopyingATaskCopiesItsExtrasDeeply) {
  Task a;
  a.edit_extras().retry.limit = 3;
  Task b = a;
  b.edit_extras().retry.limit = 7;
  EXPECT_EQ(a.extras().retry.limit, 3);
  EXPECT_EQ(b.extras().retry.limit, 7);
  Task c;
  c = b;
  b.edit_extras().retry.limit = 1;
  EXPECT_EQ(c.extras().retry.limit, 7);
  Task d = std::move(c);
  EXPECT_EQ(d.extras().retry.limit, 7);
  Pipeline p;
  p.tasks.push_back(d);
  Pipeline q = p;
  q.tasks[0].edit_extras().retry.limit = 9;
  EXPECT_EQ(p.tasks[0].extras().retry.limit, 7);
}

TEST(PipelineModel, TemplatePartsSplitTextAtReferences) {
  Template t;
  t.append("url=");
  t.append_ref("up", "url");
  t.append("/x");
  t.append_ref("up", "port");
  ASSERT_EQ(t.parts().size(), 4u);
  EXPECT_EQ(t.parts()[0].text, "url=");
  EXPECT_EQ(t.parts()[1].task, "up");
  EXPECT_EQ(t.parts()[1].key, "url");
  EXPECT_EQ(t.parts()[2].text, "/x");
  EXPECT_EQ(t.parts()[3].key, "port");
  EXPECT_FALSE(t.is_literal());

  Template outer = Template::literal("[");
  outer.append(t);
  outer.append("]");
  ASSERT_EQ(outer.refs().size(), 2u);
  EXPECT_EQ(outer.refs()[0].at, 5u);
  EXPECT_EQ(outer.refs()[1].at, 7u);
  EXPECT_EQ(outer.parts().back().text, "]");

  EXPECT_EQ(Template{}.parts().size(), 1u) << "an empty template is one empty literal part";
  EXPECT_TRUE(Template::literal("a").is_literal());
}

}  // namespace
}  // namespace sluice
