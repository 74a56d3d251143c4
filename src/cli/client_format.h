// Human-readable output of the client verbs (the --json output is the API's JSON as is).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace jitgate {

// A field of a JSON object as text: strings as they are, numbers and booleans in JSON form,
// "" for null, a missing field, or a non-object.
std::string JsonText(const nlohmann::json& object, const char* field);

// Display names for IDs, filled best-effort (a lookup that failed leaves the ID shown).
struct NameBook {
  std::map<std::string, std::string> pools;  // pool ID -> name
  std::map<std::string, std::string> users;  // user ID -> email

  // The pool's name, or `id` when unknown.
  std::string Pool(const std::string& id) const;
  // The user's email, or `id` when unknown.
  std::string User(const std::string& id) const;
};

// One grant as aligned "KEY  value" lines (ID, NAME, ROLE, STATUS, POOLS, USERS, REASON,
// EXPIRES, CREATED, CREATED BY, and REVOKED / REVOKED BY when revoked).
std::string FormatGrant(const nlohmann::json& grant, const NameBook& names);

// Grants as a table: ID, NAME, ROLE, STATUS, POOLS, USERS, EXPIRES, CREATED BY.
std::string FormatGrantTable(const nlohmann::json& items, const NameBook& names);

// An access decision: allowed yes/no, role, sources, valid until ("-" when none).
std::string FormatDecision(const nlohmann::json& decision);

// Agent pools as a table: ID, NAME, DESCRIPTION, CREATED.
std::string FormatPools(const nlohmann::json& items);

// Users as a table: ID, EMAIL, NAME, ROLE MANAGER, DISABLED, CREATED.
std::string FormatUsers(const nlohmann::json& items);

// Audit events as a table: SEQ, AT, TYPE, ACTOR, TARGET, DETAILS (compact JSON, shortened).
std::string FormatAuditEvents(const nlohmann::json& items, const NameBook& names);

// The audit chain verification: "audit log valid: N events checked" or the first bad seq.
std::string FormatVerification(const nlohmann::json& verification);

// "showing N of TOTAL ..." when a merged list {"items", "total"} holds fewer than the total,
// else "".
std::string FormatTruncation(const nlohmann::json& merged);

// An error for stderr: "error: MESSAGE" then "  FIELD: MESSAGE" per detail, each line ending
// in '\n', control characters shown as '?'.
std::string FormatError(const Status& status);

}  // namespace jitgate
