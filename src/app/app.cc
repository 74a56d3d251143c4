#include "app/app.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "app/random.h"

namespace jitgate {

App::App(Store& store, const Clock& clock, AppConfig config)
    : store_(store),
      aligned_clock_(clock),
      clock_(store.features().shared_between_processes ? static_cast<const Clock&>(aligned_clock_)
                                                        : clock),
      config_(std::move(config)),
      follower_(store_, view_),
      ctx_{store_, clock_, config_, view_, follower_, metrics_},
      users(ctx_),
      pools(ctx_),
      groups(ctx_),
      grants(ctx_),
      api_keys(ctx_),
      sessions(ctx_),
      audit(ctx_),
      auth(ctx_),
      expirer(ctx_, [this] { RunChores(); }),
      watcher(store_, follower_) {
  InitCrypto();
  ctx_.on_grant_created = [this](Millis at) { expirer.Notify(at); };
  follower_.set_listener({.credentials_changed = [this] { ctx_.InvalidateCredentials(); },
                          .grant_put = [this](Millis at) { expirer.Notify(at); }});
}

App::~App() { Stop(); }

Status App::Start() {
  if (store_.features().shared_between_processes) {
    RETURN_IF_ERROR(aligned_clock_.Align(store_));
    spdlog::info("clock aligned to the database's: offset {} ms", aligned_clock_.offset());
  }
  RETURN_IF_ERROR(follower_.Reload());
  auto recorded = expirer.RunOnce();
  if (!recorded.ok()) return recorded.status();
  expirer.Start();
  if (store_.features().shared_between_processes) watcher.Start();
  return Status::Ok();
}

void App::Stop() {
  watcher.Stop();
  expirer.Stop();
}

void App::RunChores() {
  auth.FlushUsage();
  const Millis now = clock_.Now();
  if (store_.features().shared_between_processes && now - last_align_ >= kClockAlignInterval) {
    last_align_ = now;
    const Millis before = aligned_clock_.offset();
    Status st = aligned_clock_.Align(store_);
    if (!st.ok()) spdlog::warn("keeping the last clock offset ({} ms): {}", before, st.message());
    else if (std::abs(aligned_clock_.offset() - before) > 100)
      spdlog::warn("the database clock moved by {} ms against this host's", aligned_clock_.offset() - before);
  }
  if (now - last_prune_ >= kChangePruneInterval) {
    last_prune_ = now;
    Status st = follower_.Prune(kChangeRetention);
    if (!st.ok()) spdlog::warn("pruning the change feed: {}", st.message());
  }
}

}  // namespace jitgate
