// Expirer: records expiry (status EXPIRED, one `jit.expired` event each) of grants whose expiry has
// passed, within a second, and runs the other periodic chores (usage writes, idempotency clean-up).
// It never decides access: checks compare expires_at with the clock themselves.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "app/service_context.h"

namespace jitgate {

class Expirer {
 public:
  // `chores` runs about once a second on the expirer's thread.
  Expirer(ServiceContext& ctx, std::function<void()> chores);
  ~Expirer();  // stops the thread

  // Records every grant that has expired by now. Returns how many were recorded.
  Result<int> RunOnce();

  // Starts the background thread (which first runs RunOnce: grants that expired while down).
  void Start();
  void Stop();
  // Wakes the thread early when a grant with an earlier expiry appears.
  void Notify(Millis expires_at);

 private:
  void Loop();
  ServiceContext& ctx_;
  std::function<void()> chores_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace jitgate
