#include "app/api_key_service.h"


#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "app/audit_event_builder.h"
#include "app/idempotency.h"
#include "app/random.h"
#include "core/grant_rules.h"
#include "core/rfc3339.h"
#include "core/sha256.h"

namespace jitgate {
namespace {

constexpr size_t kRandomChars = 44;  // 44 * log2(62) = 262 bits
constexpr size_t kPrefixChars = 8;
constexpr size_t kChecksumChars = 6;

std::string Checksum(std::string_view body) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  uint32_t crc = 2166136261u;  // FNV-1a: a checksum for leak scanners, not a security property
  for (unsigned char c : body) crc = (crc ^ c) * 16777619u;
  std::string out(kChecksumChars, 'A');
  for (auto& ch : out) {
    ch = kAlphabet[crc % 62];
    crc /= 62;
  }
  return out;
}

}  // namespace

std::string GenerateApiKey(std::string* prefix) {
  const std::string body = RandomBase62(kRandomChars);
  *prefix = "jg_" + body.substr(0, kPrefixChars);
  return "jg_" + body + "_" + Checksum(body);
}

bool ParseApiKey(std::string_view key, std::string* prefix) {
  if (key.size() != 3 + kRandomChars + 1 + kChecksumChars || key.substr(0, 3) != "jg_" ||
      key[3 + kRandomChars] != '_')
    return false;
  const std::string_view body = key.substr(3, kRandomChars);
  if (!std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isalnum(c); })) return false;
  if (key.substr(3 + kRandomChars + 1) != Checksum(body)) return false;
  *prefix = "jg_" + std::string(body.substr(0, kPrefixChars));
  return true;
}

Result<IssuedApiKey> ApiKeyService::Create(const Principal& actor, const std::string& owner_id,
                                           const NewApiKey& in, const std::optional<IdempotencyKey>& idem) {
  const Millis now = ctx_.clock.Now();
  std::vector<FieldError> errors;
  const size_t n = Utf8Length(in.label);
  if (n < 1 || n > 200) errors.push_back({"label", "must be 1 to 200 characters"});
  if (in.expires_at && *in.expires_at <= now) errors.push_back({"expiresAt", "must be in the future"});
  if (in.scopes) {
    std::set<std::string> seen;
    for (const auto& s : *in.scopes) {
      const bool known = std::any_of(std::begin(kAllScopes), std::end(kAllScopes),
                                     [&](const char* k) { return s == k; });
      if (!known) errors.push_back({"scopes", "unknown scope " + s});
      else if (!seen.insert(s).second) errors.push_back({"scopes", "duplicate scope " + s});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));

  IssuedApiKey issued;
  ApiKey& k = issued.key;
  k.id = NewUuid();
  k.label = in.label;
  k.user_id = owner_id;
  k.scopes = in.scopes;
  k.created_at = now;
  k.expires_at = in.expires_at;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    issued.secret = GenerateApiKey(&k.prefix);
    k.key_hash = Sha256Hex(issued.secret);
    RETURN_IF_ERROR(tx.InsertApiKey(k));
    nlohmann::json details = {{"label", k.label}, {"prefix", k.prefix}, {"userId", k.user_id}};
    if (k.scopes) details["scopes"] = *k.scopes;
    AuditEvent ev = MakeAuditEvent(actor, now, "apikey.created", k.id, std::move(details));
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return RecordIdempotency(tx, idem, "apikey", k.id, now, ctx_.config.idempotency_ttl);
  }));
  k.key_hash.clear();
  return issued;
}

Status ApiKeyService::Revoke(const Principal& actor, const std::string& id) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(ApiKey k, tx.GetApiKey(id));
    if (k.revoked_at) return Status::NotFound("no such API key");
    RETURN_IF_ERROR(tx.MarkApiKeyRevoked(id, now));
    AuditEvent ev = MakeAuditEvent(actor, now, "apikey.revoked", id, {{"prefix", k.prefix}, {"userId", k.user_id}});
    return tx.AppendAudit(ev);
  }));
  ctx_.InvalidateCredentials();
  return Status::Ok();
}

Result<ApiKey> ApiKeyService::Get(const std::string& id) {
  ApiKey k;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(k, tx.GetApiKey(id));
    return Status::Ok();
  }));
  if (k.revoked_at) return Status::NotFound("no such API key");
  k.key_hash.clear();
  return k;
}

Result<Page<ApiKey>> ApiKeyService::List(const ApiKeyQuery& q) {
  Page<ApiKey> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListApiKeys(q));
    return Status::Ok();
  }));
  for (auto& k : page.items) k.key_hash.clear();
  return page;
}

}  // namespace jitgate
