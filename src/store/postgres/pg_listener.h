// PgListener: one dedicated connection that LISTENs on the jitgate_changes channel, on which every
// Write that changed the feed NOTIFYs (delivered at commit), so replicas learn of each other's
// changes without polling.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "store/postgres/pg_connection.h"

namespace jitgate {

// The channel every change is announced on; the payload is the last change seq of the write.
inline constexpr const char* kPgChangeChannel = "jitgate_changes";

class PgListener {
 public:
  // Does not connect yet: the first Wait does. `url` and `options` must outlive the listener.
  PgListener(const std::string& url, const PgConnectOptions& options)
      : url_(url), options_(options) {}

  // Returns OK when a notification arrived (or the connection was just (re)established, since
  // notifications sent while not listening are lost and the caller must look at the feed), or
  // when `timeout` passed. When the database cannot be reached, waits out `timeout` and returns
  // kUnavailable, so callers loop without spinning. Thread-safe: concurrent callers are
  // serialised (it is meant for one follower thread).
  Status Wait(Millis timeout);

 private:
  // Connects and LISTENs; OK on success.
  Status Connect();
  // True when at least one notification is queued; drains them all.
  bool DrainNotifications();

  const std::string& url_;
  const PgConnectOptions& options_;
  std::mutex mu_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace jitgate
