#include "app/authenticator.h"

#include "app/api_key_service.h"
#include "app/random.h"
#include "core/sha256.h"

namespace jitgate {
namespace {
constexpr size_t kMaxCacheEntries = 100000;
}

Result<Authenticator::Entry> Authenticator::LoadKey(std::string_view key) {
  std::string prefix;
  if (!ParseApiKey(key, &prefix)) return Status::Unauthenticated();
  Entry e;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    auto k = tx.GetApiKeyByPrefix(prefix);
    if (!k.ok()) return k.status().code() == Code::kNotFound ? Status::Unauthenticated() : k.status();
    if (!ConstantTimeEquals(Sha256Hex(key), k->key_hash) || k->revoked_at) return Status::Unauthenticated();
    auto u = tx.GetUser(k->user_id);
    if (!u.ok()) return u.status().code() == Code::kNotFound ? Status::Unauthenticated() : u.status();
    if (u->disabled) return Status::Unauthenticated();
    e.principal.user_id = u->id;
    e.principal.role_manager = u->role_manager;
    e.principal.actor_type = ActorType::kApiKey;
    e.principal.api_key_id = k->id;
    e.principal.scopes = k->scopes;
    e.expires_at = k->expires_at;
    e.stored_id = k->id;
    e.usage->last_persisted = k->last_used_at.value_or(0);
    return Status::Ok();
  }));
  return e;
}

Result<Authenticator::Entry> Authenticator::LoadSession(std::string_view token) {
  Entry e;
  const std::string hash = Sha256Hex(token);
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    auto s = tx.GetSession(hash);
    if (!s.ok()) return s.status().code() == Code::kNotFound ? Status::Unauthenticated() : s.status();
    auto u = tx.GetUser(s->user_id);
    if (!u.ok()) return u.status().code() == Code::kNotFound ? Status::Unauthenticated() : u.status();
    if (u->disabled) return Status::Unauthenticated();
    e.principal.user_id = u->id;
    e.principal.role_manager = u->role_manager;
    e.principal.actor_type = ActorType::kUser;
    e.principal.session_csrf_hash = s->csrf_hash;
    e.expires_at = s->expires_at;
    e.usage->last_seen = s->last_seen_at;
    e.usage->last_persisted = s->last_seen_at;
    e.stored_id = hash;
    return Status::Ok();
  }));
  return e;
}

Result<Principal> Authenticator::Authenticate(std::string_view credential, bool session) {
  const Millis now = ctx_.clock.Now();
  const uint64_t epoch = ctx_.credentials_epoch.load(std::memory_order_acquire);
  const Millis idle = ctx_.config.session_idle_timeout;
  const Millis interval = session ? 60 * kMillisPerSecond : ctx_.config.key_last_used_interval;
  auto usable = [&](const Entry& e) {
    return e.epoch == epoch && (!e.expires_at || now < *e.expires_at) &&
           (!session || now - e.usage->last_seen.load(std::memory_order_relaxed) < idle);
  };
  // Queues a usage write at most once per interval (compare-exchange: one winner among racers).
  auto note_usage = [&](const Entry& e) {
    if (session) e.usage->last_seen.store(now, std::memory_order_relaxed);
    Millis last = e.usage->last_persisted.load(std::memory_order_relaxed);
    if (now - last < interval || !e.usage->last_persisted.compare_exchange_strong(last, now)) return;
    std::lock_guard p(pending_mu_);
    (session ? pending_sessions_ : pending_keys_).emplace_back(e.stored_id, now);
  };
  const std::string key(credential);
  auto& cache = session ? sessions_ : keys_;
  {
    std::shared_lock lock(mu_);
    auto it = cache.find(key);
    if (it != cache.end() && usable(it->second)) {
      note_usage(it->second);
      return it->second.principal;
    }
  }
  ASSIGN_OR_RETURN(Entry e, session ? LoadSession(credential) : LoadKey(credential));
  e.epoch = epoch;
  if (!usable(e)) return Status::Unauthenticated();
  note_usage(e);
  Principal p = e.principal;
  std::unique_lock lock(mu_);
  if (cache_epoch_ != epoch) {
    keys_.clear();
    sessions_.clear();
    cache_epoch_ = epoch;
  }
  if (cache.size() >= kMaxCacheEntries) cache.clear();
  cache[key] = std::move(e);
  return p;
}

Result<Principal> Authenticator::AuthenticateKey(std::string_view key) { return Authenticate(key, false); }
Result<Principal> Authenticator::AuthenticateSession(std::string_view token) {
  return Authenticate(token, true);
}

void Authenticator::FlushUsage() {
  std::vector<std::pair<std::string, Millis>> keys, sessions;
  {
    std::lock_guard lock(pending_mu_);
    keys.swap(pending_keys_);
    sessions.swap(pending_sessions_);
  }
  if (keys.empty() && sessions.empty()) return;
  // Usage times are best effort: a failure here must not affect requests.
  (void)ctx_.store.Write([&](WriteTx& tx) -> Status {
    for (const auto& [id, at] : keys) {
      Status st = tx.TouchApiKey(id, at);
      if (!st.ok() && st.code() != Code::kNotFound) return st;
    }
    for (const auto& [hash, at] : sessions) {
      Status st = tx.TouchSession(hash, at);
      if (!st.ok() && st.code() != Code::kNotFound) return st;
    }
    return Status::Ok();
  });
}

}  // namespace jitgate
