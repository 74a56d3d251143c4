#include "app/expirer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "app/audit_event_builder.h"
#include "core/rfc3339.h"

namespace jitgate {

Expirer::Expirer(ServiceContext& ctx, std::function<void()> chores) : ctx_(ctx), chores_(std::move(chores)) {}

Expirer::~Expirer() { Stop(); }

Result<int> Expirer::RunOnce() {
  int recorded = 0;
  constexpr int64_t kBatch = 500;
  for (;;) {
    const Millis now = ctx_.clock.Now();
    std::vector<std::string> ids;
    RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
      ids.clear();
      ASSIGN_OR_RETURN(std::vector<Grant> due, tx.ListExpiredButActive(now, kBatch));
      for (const Grant& g : due) {
        RETURN_IF_ERROR(tx.MarkGrantExpired(g.id));
        AuditEvent ev = MakeAuditEvent(Principal::System(), now, "jit.expired", g.id,
                                       {{"name", g.name}, {"expiresAt", FormatRfc3339(g.expires_at)}});
        RETURN_IF_ERROR(tx.AppendAudit(ev));
        ids.push_back(g.id);
      }
      return Status::Ok();
    }));
    if (!ids.empty()) ctx_.follower.CatchUpAfterWrite();
    recorded += static_cast<int>(ids.size());
    ctx_.metrics.RecordExpirations(ids.size());
    if (static_cast<int64_t>(ids.size()) < kBatch) return recorded;
  }
}

void Expirer::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Expirer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Expirer::Notify(Millis) {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Expirer::Loop() {
  Millis last_chores = 0;
  bool failing = false;  // log transitions only: an unreachable store must not flood the log
  for (;;) {
    auto recorded = RunOnce();
    if (!recorded.ok() && !failing) {
      spdlog::warn("expirer: cannot record expiries until the store answers: {}", recorded.status().message());
    } else if (recorded.ok() && failing) {
      spdlog::info("expirer: the store answers again");
    }
    failing = !recorded.ok();
    if (recorded.ok() && *recorded > 0) spdlog::info("expirer: recorded {} expired grant(s)", *recorded);
    const Millis now = ctx_.clock.Now();
    if (now - last_chores >= kMillisPerSecond) {
      last_chores = now;
      if (chores_) chores_();
    }
    std::optional<Millis> next;
    {
      std::lock_guard lock(ctx_.view.write_mutex());
      next = ctx_.view.NextExpiry();
    }
    // Sleep until the next expiry (at most 1 s, so chores and clock jumps are handled).
    Millis wait = kMillisPerSecond;
    if (next && recorded.ok()) wait = std::clamp<Millis>(*next - ctx_.clock.Now() + 1, 0, kMillisPerSecond);
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stop_ || woken_; });
    if (stop_) return;
    woken_ = false;
  }
}

}  // namespace jitgate
