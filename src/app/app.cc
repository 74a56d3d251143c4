#include "app/app.h"

#include <spdlog/spdlog.h>

#include "app/random.h"

namespace jitgate {

App::App(Store& store, const Clock& clock, AppConfig config)
    : store_(store),
      clock_(clock),
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
  if (now - last_prune_ >= kChangePruneInterval) {
    last_prune_ = now;
    Status st = follower_.Prune(kChangeRetention);
    if (!st.ok()) spdlog::warn("pruning the change feed: {}", st.message());
  }
}

}  // namespace jitgate
