#include "cli/table.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

TEST(TableTest, AlignsColumnsUnderTheHeader) {
  Table t({"ID", "NAME", "ROLE"});
  t.AddRow({"1", "oncall-alice", "STANDARD"});
  t.AddRow({"22", "b", "PRIVILEGED"});
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.Render(),
            "ID  NAME          ROLE\n"
            "1   oncall-alice  STANDARD\n"
            "22  b             PRIVILEGED\n");
}

TEST(TableTest, NoTrailingBlanksAndMissingCellsAreEmpty) {
  Table t({"A", "B", "C"});
  t.AddRow({"x"});
  t.AddRow({"long", "y", ""});
  EXPECT_EQ(t.Render(),
            "A     B  C\n"
            "x\n"
            "long  y\n");
}

TEST(TableTest, ExtraCellsAreDropped) {
  Table t({"A"});
  t.AddRow({"x", "dropped"});
  EXPECT_EQ(t.Render(), "A\nx\n");
}

TEST(TableTest, WidthCountsUtf8CodePoints) {
  Table t({"NAME", "X"});
  t.AddRow({"Zoë", "1"});  // 3 code points, 4 bytes
  t.AddRow({"abcd", "2"});
  EXPECT_EQ(t.Render(),
            "NAME  X\n"
            "Zoë   1\n"
            "abcd  2\n");
}

TEST(TableTest, ControlCharactersCannotBreakLinesOrDriveTheTerminal) {
  Table t({"NAME"});
  t.AddRow({"evil\nline\x1b[31m"});
  EXPECT_EQ(t.Render(), "NAME\nevil?line?[31m\n");
}

TEST(TableTest, EmptyTableRendersTheHeaderOnly) {
  Table t({"ID", "NAME"});
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Render(), "ID  NAME\n");
}

TEST(TableTest, WithoutHeader) {
  Table t = Table::WithoutHeader(2);
  EXPECT_EQ(t.Render(), "");
  t.AddRow({"k", "v"});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.Render(), "k  v\n");
}

TEST(TableTest, RenderFieldsAlignsKeys) {
  EXPECT_EQ(RenderFields({{"ID", "g1"}, {"VALID UNTIL", "-"}}),
            "ID           g1\n"
            "VALID UNTIL  -\n");
}

TEST(TableTest, DisplayWidth) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("日本"), 2u);
}

}  // namespace
}  // namespace jitgate
