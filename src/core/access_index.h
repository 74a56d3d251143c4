// AccessIndex: an immutable in-memory snapshot answering "may user U do P on pool X now?".
// Built from a Directory; after every committed change a new snapshot is derived from the current
// one (WithChanges), sharing everything the change does not touch, so a check never takes a lock
// and never touches disk, and a writer's change costs microseconds, not a rebuild. Expiry is judged
// against the `now` passed to each check (half-open: a JIT grant counts while now < expires_at), so
// an entry can never outlive its grant, whatever the background expirer does.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/directory.h"
#include "core/model.h"

namespace jitgate {

// Where a role comes from. `id` points into the index; valid while the index is alive.
struct AccessSource {
  enum class Type : uint8_t { kGroup, kJit };
  Type type = Type::kGroup;
  std::string_view id;
  std::optional<Millis> expires_at;  // JIT only
};

// The answer to one check.
struct AccessDecision {
  bool allowed = false;
  Role role = Role::kNone;            // the strongest role now; kNone: no access
  std::vector<AccessSource> sources;  // every group and active JIT grant giving a role now
  // The instant at which `role` (and so `allowed`) next changes through expiry; nullopt if never.
  std::optional<Millis> valid_until;
};

// A user's effective access to one pool (for /users/{id}/access).
struct PoolAccessSummary {
  std::string_view agent_pool_id;
  Role role = Role::kNone;
  std::vector<AccessSource> sources;
  std::optional<Millis> valid_until;
};

// One change to the directory an index reflects: the object's state before and after it (null:
// absent; a grant whose status is not ACTIVE counts as absent). `before` must be what the index
// holds for that id (what the previous changes or the Build left), or null if nothing.
template <typename T>
struct Replacement {
  std::shared_ptr<const T> before, after;
};
using AccessChange =
    std::variant<Replacement<User>, Replacement<AgentPool>, Replacement<Group>, Replacement<Grant>>;

// Thread-safe for concurrent readers (immutable after Build).
class AccessIndex {
 public:
  // Builds a snapshot from `dir`. Disabled users get no access at all.
  static std::shared_ptr<const AccessIndex> Build(const Directory& dir);

  virtual ~AccessIndex() = default;

  // Decides `permission` for user on pool at `now`. Unknown user or pool: not allowed, no role.
  virtual AccessDecision Check(std::string_view user_id, std::string_view agent_pool_id,
                               Permission permission, Millis now) const = 0;

  // Every pool on which the user has a role at `now`, ordered by pool id.
  virtual std::vector<PoolAccessSummary> AccessOf(std::string_view user_id, Millis now) const = 0;

  // A new snapshot with the same users, pools and groups as this one and `active_grants` as its
  // grants. Shares the directory part, so it costs O(users + grant entries), not a full Build:
  // grants change far more often than the directory.
  virtual std::shared_ptr<const AccessIndex> WithGrants(
      const std::vector<Grant>& active_grants) const = 0;

  // A new snapshot: this one with `changes` applied in order, answering every check exactly as a
  // Build of the changed directory would (sources may come in another order). Shares the id tables
  // and every chunk of 256 users the changes do not touch, so it costs about the size of the
  // changed objects plus a few 16 KiB copies; adding users beyond the table's capacity costs one
  // O(users + entries) re-layout.
  virtual std::shared_ptr<const AccessIndex> WithChanges(
      std::span<const AccessChange> changes) const = 0;

  virtual size_t user_count() const = 0;
  virtual size_t pool_count() const = 0;
  virtual size_t group_count() const = 0;
  virtual size_t grant_count() const = 0;  // active grants held (including ones past expiry)
  // Ids kept only as tombstones (removed objects, or ids referenced but never added). They cost
  // memory until the next Build; callers rebuild when this grows larger than the live counts.
  virtual size_t stale_count() const = 0;
};

}  // namespace jitgate
