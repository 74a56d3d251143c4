#include "cli/client_format.h"

#include <cctype>

#include "cli/table.h"

namespace jitgate {
namespace {

constexpr size_t kMaxNamesInCell = 3;
constexpr size_t kMaxDetailsWidth = 60;

// "a, b, c +2 more" for the IDs in `array`, each shown through `name_of`.
template <typename NameOf>
std::string NameList(const nlohmann::json& array, NameOf name_of) {
  if (!array.is_array()) return "";
  std::string out;
  size_t shown = 0;
  for (const auto& id : array) {
    if (shown == kMaxNamesInCell) {
      out += " +" + std::to_string(array.size() - shown) + " more";
      break;
    }
    if (shown++ > 0) out += ", ";
    out += name_of(id.is_string() ? id.get<std::string>() : id.dump());
  }
  return out;
}

// `text` cut to at most `width` code points, ending in "..." when cut.
std::string Shorten(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  size_t points = 0, i = 0;
  for (; i < text.size(); ++i) {
    const bool starts_point = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_point && points++ == width - 3) break;
  }
  return text.substr(0, i) + "...";
}

std::string OrDash(std::string text) { return text.empty() ? "-" : text; }

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string YesNo(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_boolean() && it->get<bool>() ? "yes" : "no";
}

const nlohmann::json& Field(const nlohmann::json& object, const char* field) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(field);
  return it == object.end() ? kNull : *it;
}

// One access source: "GROUP <id>" or "JIT <id> (expires T)".
std::string SourceText(const nlohmann::json& source) {
  std::string text = JsonText(source, "type") + " " + JsonText(source, "id");
  if (const std::string expires = JsonText(source, "expiresAt"); !expires.empty()) {
    text += " (expires " + expires + ")";
  }
  return text;
}

}  // namespace

std::string JsonText(const nlohmann::json& object, const char* field) {
  const nlohmann::json& value = Field(object, field);
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string NameBook::Pool(const std::string& id) const {
  const auto it = pools.find(id);
  return it == pools.end() ? id : it->second;
}

std::string NameBook::User(const std::string& id) const {
  const auto it = users.find(id);
  return it == users.end() ? id : it->second;
}

std::string FormatGrant(const nlohmann::json& grant, const NameBook& names) {
  auto pool = [&](const std::string& id) { return names.Pool(id); };
  auto user = [&](const std::string& id) { return names.User(id); };
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ID", JsonText(grant, "id")},
      {"NAME", JsonText(grant, "name")},
      {"ROLE", JsonText(grant, "role")},
      {"STATUS", JsonText(grant, "status")},
      {"POOLS", NameList(Field(grant, "agentPoolIds"), pool)},
      {"USERS", NameList(Field(grant, "userIds"), user)},
      {"REASON", OrDash(JsonText(grant, "reason"))},
      {"EXPIRES", JsonText(grant, "expiresAt")},
      {"CREATED", JsonText(grant, "createdAt")},
      {"CREATED BY", names.User(JsonText(grant, "createdBy"))},
  };
  if (!Field(grant, "revokedAt").is_null()) {
    fields.push_back({"REVOKED", JsonText(grant, "revokedAt")});
    fields.push_back({"REVOKED BY", names.User(JsonText(grant, "revokedBy"))});
  }
  return RenderFields(fields);
}

std::string FormatGrantTable(const nlohmann::json& items, const NameBook& names) {
  if (!items.is_array() || items.empty()) return "no grants found\n";
  auto pool = [&](const std::string& id) { return names.Pool(id); };
  auto user = [&](const std::string& id) { return names.User(id); };
  Table table({"ID", "NAME", "ROLE", "STATUS", "POOLS", "USERS", "EXPIRES", "CREATED BY"});
  for (const auto& g : items) {
    table.AddRow({JsonText(g, "id"), JsonText(g, "name"), JsonText(g, "role"),
                  JsonText(g, "status"), NameList(Field(g, "agentPoolIds"), pool),
                  NameList(Field(g, "userIds"), user), JsonText(g, "expiresAt"),
                  names.User(JsonText(g, "createdBy"))});
  }
  return table.Render();
}

std::string FormatDecision(const nlohmann::json& decision) {
  std::string sources;
  for (const auto& source : Field(decision, "sources")) {
    if (!sources.empty()) sources += "; ";
    sources += SourceText(source);
  }
  return RenderFields({{"ALLOWED", YesNo(decision, "allowed")},
                       {"ROLE", OrDash(JsonText(decision, "role"))},
                       {"SOURCES", OrDash(sources)},
                       {"VALID UNTIL", OrDash(JsonText(decision, "validUntil"))}});
}

std::string FormatPools(const nlohmann::json& items) {
  if (!items.is_array() || items.empty()) return "no agent pools found\n";
  Table table({"ID", "NAME", "DESCRIPTION", "CREATED"});
  for (const auto& p : items) {
    table.AddRow({JsonText(p, "id"), JsonText(p, "name"), JsonText(p, "description"),
                  JsonText(p, "createdAt")});
  }
  return table.Render();
}

std::string FormatUsers(const nlohmann::json& items) {
  if (!items.is_array() || items.empty()) return "no users found\n";
  Table table({"ID", "EMAIL", "NAME", "ROLE MANAGER", "DISABLED", "CREATED"});
  for (const auto& u : items) {
    table.AddRow({JsonText(u, "id"), JsonText(u, "email"), JsonText(u, "name"),
                  YesNo(u, "roleManager"), YesNo(u, "disabled"), JsonText(u, "createdAt")});
  }
  return table.Render();
}

std::string FormatAuditEvents(const nlohmann::json& items, const NameBook& names) {
  if (!items.is_array() || items.empty()) return "no audit events found\n";
  Table table({"SEQ", "AT", "TYPE", "ACTOR", "TARGET", "DETAILS"});
  for (const auto& e : items) {
    std::string actor = Lower(JsonText(e, "actorType"));
    if (const std::string id = JsonText(e, "actorId"); !id.empty()) {
      actor.append(" ").append(names.User(id));
    }
    std::string details = Field(e, "details").is_null() ? "" : Field(e, "details").dump();
    if (details == "{}") details.clear();
    details = Shorten(details, kMaxDetailsWidth);
    table.AddRow({JsonText(e, "seq"), JsonText(e, "at"), JsonText(e, "type"), actor,
                  JsonText(e, "targetId"), details});
  }
  return table.Render();
}

std::string FormatVerification(const nlohmann::json& v) {
  const std::string checked = OrDash(JsonText(v, "checked"));
  if (YesNo(v, "valid") == "yes") return "audit log valid: " + checked + " events checked\n";
  std::string bad = JsonText(v, "firstBadSeq");
  if (bad.empty()) bad = JsonText(v, "seq");
  std::string text = "audit log INVALID: first bad event seq " + OrDash(bad);
  if (const std::string reason = JsonText(v, "reason"); !reason.empty()) {
    text += " (" + Printable(reason) + ")";
  }
  return text + "; " + checked + " events checked before it\n";
}

std::string FormatTruncation(const nlohmann::json& merged) {
  const auto& items = Field(merged, "items");
  const auto& total = Field(merged, "total");
  if (!items.is_array() || !total.is_number_integer()) return "";
  if (static_cast<int64_t>(items.size()) >= total.get<int64_t>()) return "";
  return "showing " + std::to_string(items.size()) + " of " + total.dump() +
         " (use --limit to see more)\n";
}

std::string FormatError(const Status& status) {
  std::string out = "error: " + Printable(status.message()) + "\n";
  for (const auto& d : status.details()) {
    out += "  " + Printable(d.field) + ": " + Printable(d.message) + "\n";
  }
  return out;
}

}  // namespace jitgate
