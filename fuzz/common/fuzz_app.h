// FuzzApp: a real App on a temporary SQLite store, built once per fuzzing process, with the
// objects and credentials the targets need to reach authenticated code paths.
//
// Inputs refer to the fixture's objects with placeholders that Substitute() replaces by their ids
// (ids are random UUIDs, so a seed cannot name them literally):
//   @user@ @admin@ @pool@ @group@ @grant@ @key@ (the user's API key id) @at@ (now + 1 h, RFC 3339)
// Credentials are picked by a number (see Credential), so the fuzzer chooses who is calling.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "api/api_call.h"
#include "app/app.h"
#include "core/clock.h"
#include "http/message.h"
#include "http/router.h"
#include "http/static_files.h"
#include "store/store.h"

namespace jitgate::fuzz {

// Who a fuzzed request claims to be.
enum class Credential {
  kNone,            // no credentials
  kAdminKey,        // the role manager's unrestricted API key
  kScopedKey,       // the role manager's key limited to jit:read and access:check
  kUserKey,         // a plain user's (not a role manager) unrestricted key
  kSession,         // the role manager's session cookie and its CSRF token
  kSessionNoCsrf,   // the session cookie without X-CSRF-Token (mutations must be 403)
  kBogusKey,        // a well-formed bearer value that is no key
  kRevokedKey,      // a revoked key of the role manager
  kCount
};

class FuzzApp {
 public:
  // The process-wide instance, created on first use (aborts if the store cannot be set up: the
  // target would test nothing). Not thread-safe; libFuzzer runs one input at a time.
  static FuzzApp& Get();

  // Call once per input: every few hundred inputs the clock jumps a month ahead (so the
  // active-grant limit does not stay reached) and objects or credentials the fuzzer deleted,
  // disabled, demoted or revoked are recreated.
  void NextInput();

  // Replaces the placeholders listed above in `s`.
  void Substitute(std::string* s) const;
  // Adds the headers of credential `c` to `req`.
  void AddCredential(Credential c, HttpRequest* req) const;
  // The principal of an API-key credential (kAdminKey, kScopedKey, kUserKey); nullopt otherwise
  // or when it no longer authenticates.
  std::optional<Principal> PrincipalFor(Credential c);

  App& app() { return *app_; }
  FakeClock& clock() { return clock_; }
  // The server's router: every API route plus the portal (static files from a temporary root).
  const Router& router() const { return router_; }
  // What no response may contain (the fixture's API key secrets, the content of a file next to,
  // outside, the portal's root), for CheckResponse. Empty from the first input that holds one of
  // them on: libFuzzer learns values from comparisons (e.g. the key lookup), and what it sent may
  // come back legitimately, then or later (a pool named after a key).
  const std::vector<std::string>& SecretsFor(std::string_view client_bytes);

 private:
  FuzzApp();
  void SetUpFiles();
  void EnsureFixture();
  std::string NewAdmin();
  std::string NewUser();

  std::string dir_;  // temporary directory (removed at exit)
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<StaticFiles> portal_;
  Router router_;
  std::vector<std::string> secrets_;
  bool secrets_sent_ = false;  // the fuzzer sent a secret: stop checking for them
  uint64_t inputs_ = 0;
  int generation_ = 0;  // numbers fresh emails

  std::string admin_id_, user_id_, pool_id_, group_id_, grant_id_, user_key_id_;
  std::string admin_key_, scoped_key_, user_key_, revoked_key_;
  std::string session_token_, csrf_token_;
};

}  // namespace jitgate::fuzz
