// Plain-text tables for the CLI's human output: aligned columns under an upper-case header.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace jitgate {

// Collects rows, then renders them with every column as wide as its widest cell (counted in
// UTF-8 code points), columns separated by two spaces, no trailing blanks. Control characters in
// cells (newlines, escape sequences from user-chosen names) are shown as '?', so data can never
// break the layout or drive the terminal. Not thread-safe.
class Table {
 public:
  // `header` fixes the number of columns and is the first line rendered.
  explicit Table(std::vector<std::string> header);

  // A table of `columns` columns without a header row.
  static Table WithoutHeader(size_t columns);

  // Adds one row; missing trailing cells are blank, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // Number of rows added (the header not counted).
  size_t size() const { return rows_.size() - (has_header_ ? 1 : 0); }

  // The table, one line per row, each ending in '\n'; "" for a header-less empty table.
  std::string Render() const;

 private:
  Table(size_t columns, std::vector<std::vector<std::string>> rows)
      : columns_(columns), rows_(std::move(rows)) {}

  size_t columns_;
  bool has_header_ = true;
  std::vector<std::vector<std::string>> rows_;  // the header first, when there is one
};

// Renders "KEY  value" lines with the keys aligned (a header-less two-column table).
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// `text` with control characters replaced by '?'.
std::string Printable(const std::string& text);

// Number of UTF-8 code points in `text` (its display width for the scripts we expect).
size_t DisplayWidth(const std::string& text);

}  // namespace jitgate
