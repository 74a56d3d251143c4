#include "cli/table.h"

#include <algorithm>

namespace jitgate {

std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

size_t DisplayWidth(const std::string& text) {
  // Count bytes that do not continue a multi-byte sequence.
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Table::Table(std::vector<std::string> header) : columns_(header.size()) {
  rows_.push_back(std::move(header));
}

Table Table::WithoutHeader(size_t columns) {
  Table table(columns, {});
  table.has_header_ = false;
  return table;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_);
  for (auto& cell : cells) cell = Printable(cell);
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(columns_, 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < columns_; ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < columns_; ++i) {
      if (i > 0) line += "  ";
      line += row[i];
      if (i + 1 < columns_) line.append(widths[i] - DisplayWidth(row[i]), ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  Table table = Table::WithoutHeader(2);
  for (const auto& [key, value] : fields) table.AddRow({key, value});
  return table.Render();
}

}  // namespace jitgate
