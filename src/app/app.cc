#include "app/app.h"

#include "app/random.h"

namespace jitgate {

App::App(Store& store, const Clock& clock, AppConfig config)
    : store_(store),
      clock_(clock),
      config_(std::move(config)),
      ctx_{store_, clock_, config_, view_, metrics_},
      users(ctx_),
      pools(ctx_),
      groups(ctx_),
      grants(ctx_),
      api_keys(ctx_),
      sessions(ctx_),
      audit(ctx_),
      auth(ctx_),
      expirer(ctx_, [this] { auth.FlushUsage(); }) {
  InitCrypto();
  ctx_.on_grant_created = [this](Millis at) { expirer.Notify(at); };
}

App::~App() { Stop(); }

Status App::Start() {
  RETURN_IF_ERROR(view_.Load(store_));
  auto recorded = expirer.RunOnce();
  if (!recorded.ok()) return recorded.status();
  expirer.Start();
  return Status::Ok();
}

void App::Stop() { expirer.Stop(); }

}  // namespace jitgate
