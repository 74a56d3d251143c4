// The store conformance suite: one set of tests, written against the Store interface only, run
// against every backend registered in backends.cc.
//
// Categories a backend may opt out of (StoreBackend::skipped_categories), always with a reason:
//   "concurrency" - many threads writing through one Store at once;
//   "snapshot"    - a Read keeps its snapshot while a concurrent Write commits;
//   "reopen"      - closing and reopening the same database keeps everything;
//   "migrations"  - opening an already migrated database again is a no-op.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/model.h"
#include "store/store.h"
#include "store_backend.h"

namespace jitgate::testing {

// The error code of a Status or of a Result.
inline Code CodeOf(const Status& s) { return s.code(); }
template <typename T>
Code CodeOf(const Result<T>& r) {
  return r.status().code();
}
inline const std::string& MessageOf(const Status& s) { return s.message(); }
template <typename T>
const std::string& MessageOf(const Result<T>& r) {
  return r.status().message();
}

#define ASSERT_OK(expr)                                             \
  do {                                                              \
    const auto& _r = (expr);                                        \
    ASSERT_EQ(::jitgate::testing::CodeOf(_r), ::jitgate::Code::kOk) \
        << #expr << ": " << ::jitgate::testing::MessageOf(_r);      \
  } while (0)

#define EXPECT_CODE(expr, code)                                      \
  do {                                                               \
    const auto& _r = (expr);                                         \
    EXPECT_EQ(::jitgate::testing::CodeOf(_r), ::jitgate::Code::code) \
        << #expr << ": " << ::jitgate::testing::MessageOf(_r);       \
  } while (0)

// Binds the value of a Result or fails the test.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(JG_CONCAT(_r_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  ASSERT_OK(tmp);                                 \
  lhs = std::move(tmp).value()

// Skips the current test when the backend opted out of `category` (see the list above).
#define SKIP_IF_CATEGORY(category)                       \
  if (GetParam().skipped_categories.count(category) > 0) \
  GTEST_SKIP() << GetParam().name << " opts out of the \"" << category << "\" category"

// `READ(GetUser(id))` runs tx.GetUser(id) in its own Read and returns its Result.
#define READ(call) Fetch([&](::jitgate::ReadTx& tx) { return tx.call; })
// `WRITE(InsertUser(u))` runs tx.InsertUser(u) in its own Write and returns the Status.
#define WRITE(call) store().Write([&](::jitgate::WriteTx& tx) { return tx.call; })

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Store& store() { return *store_; }
  const std::string& url() const { return url_; }
  // Closes the store and opens the same database again (durability, migrations).
  void Reopen();
  // Closes the store (e.g. before opening a second one on the same database).
  void Close() { store_.reset(); }

  // Runs f in a Read and returns its Result (or the Read's own error).
  template <typename F>
  auto Fetch(F&& f) -> std::invoke_result_t<F, ReadTx&> {
    using R = std::invoke_result_t<F, ReadTx&>;
    std::optional<R> out;
    Status st = store_->Read([&](ReadTx& tx) {
      out.emplace(f(tx));
      return Status::Ok();
    });
    if (!st.ok()) return R(st);
    return std::move(*out);
  }

  // Inserts fixtures in one Write each; fail the test on error.
  void Put(const User& u);
  void Put(const AgentPool& p);
  void Put(const Group& g);
  void Put(const Grant& g);
  void Put(const ApiKey& k);
  void Put(const Session& s);

 private:
  std::string url_;
  std::unique_ptr<Store> store_;
};

// A UUID-shaped id unique per n (backends may store ids as UUIDs).
std::string Id(int n);

// Fixture builders: every field set to something distinct so round trips are checked fully.
User MakeUser(int n, const std::string& email, const std::string& name = "");
AgentPool MakePool(int n, const std::string& name);
Group MakeGroup(int n, const std::string& name, std::vector<std::string> members,
                std::vector<PoolAccess> access);
Grant MakeGrant(int n, std::vector<std::string> users, std::vector<std::string> pools,
                Millis created_at, Millis expires_at, GrantStatus status = GrantStatus::kActive);
ApiKey MakeKey(int n, const std::string& user_id, const std::string& prefix, Millis created_at);
Session MakeSession(const std::string& token_hash, const std::string& user_id);
AuditEvent MakeEvent(const std::string& type, Millis at,
                     std::optional<std::string> actor = std::nullopt,
                     std::optional<std::string> target = std::nullopt);

// Field-by-field equality that prints what differs.
void ExpectSameUser(const User& want, const User& got);
void ExpectSameGrant(const Grant& want, const Grant& got);
void ExpectSameKey(const ApiKey& want, const ApiKey& got);

// The ids of a list, in order.
template <typename T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.id);
  return out;
}

}  // namespace jitgate::testing
