#include "store/postgres/pg_listener.h"

#include <poll.h>

#include <chrono>
#include <thread>

namespace jitgate {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

Millis MillisUntil(SteadyTime deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? left.count() : 0;
}

}  // namespace

Status PgListener::Connect() {
  conn_.reset();
  ASSIGN_OR_RETURN(auto c, PgConnection::Open(url_, options_));
  RETURN_IF_ERROR(c->Exec(std::string("LISTEN ") + kPgChangeChannel, "listen for changes"));
  conn_ = std::move(c);
  return Status::Ok();
}

bool PgListener::DrainNotifications() {
  bool any = false;
  while (PGnotify* n = PQnotifies(conn_->raw())) {
    any = true;
    PQfreemem(n);
  }
  return any;
}

Status PgListener::Wait(Millis timeout) {
  std::lock_guard lock(mu_);
  const SteadyTime deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  auto unavailable = [&](Status st) {
    conn_.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(MillisUntil(deadline)));
    return st;
  };
  if (conn_ == nullptr || conn_->broken()) {
    Status st = Connect();
    if (!st.ok()) return unavailable(st);
    return Status::Ok();  // anything committed while we were not listening was missed: look now
  }
  for (;;) {
    if (PQconsumeInput(conn_->raw()) == 0)
      return unavailable(Status::Unavailable("the database is unreachable (listen connection)"));
    if (DrainNotifications()) return Status::Ok();
    const Millis left = MillisUntil(deadline);
    if (left == 0) return Status::Ok();
    pollfd p{PQsocket(conn_->raw()), POLLIN, 0};
    if (p.fd < 0)
      return unavailable(Status::Unavailable("the database is unreachable (listen connection)"));
    const int rc = poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR)
      return unavailable(Status::Unavailable("the database is unreachable (poll failed)"));
  }
}

}  // namespace jitgate
