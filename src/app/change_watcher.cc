#include "app/change_watcher.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace jitgate {

void ChangeWatcher::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ChangeWatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeWatcher::Loop() {
  bool failing = false;  // log transitions only: a database that is down must not flood the log
  auto last_reload = std::chrono::steady_clock::now();
  while (!stop_) {
    (void)store_.WaitForChange(kPollInterval);  // waits even when it fails, so no busy loop
    if (stop_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool reload = now - last_reload >= std::chrono::milliseconds(kFullReloadInterval);
    Status st = reload ? follower_.Reload() : follower_.CatchUp();
    if (reload && st.ok()) last_reload = now;
    if (!st.ok() && !failing) {
      spdlog::warn("cannot follow other replicas' changes (checks answer from memory): {}", st.message());
    } else if (st.ok() && failing) {
      spdlog::info("following other replicas' changes again");
    }
    failing = !st.ok();
  }
}

}  // namespace jitgate
