#include "cli/server_commands.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/routes.h"
#include "app/app.h"
#include "app/bootstrap.h"
#include "http/server.h"
#include "http/static_files.h"
#include "store/store.h"

namespace jitgate {
namespace {

struct ServeFlags {
  std::string db = "sqlite:data/jitgate.db";
  std::string db_password_file;
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key;
  std::string web_dir = "web/dist";
  int max_active_grants = 100;
  int max_users_per_grant = 50;
  int max_pools_per_grant = 20;
  int max_grant_days = 31;
  int login_max_failures = 5;
  int io_threads = 0;
  int max_connections = 10000;
  // nginx's keepalive_requests default: bounds what one client can pipeline on one connection
  // and lets load spread again over the I/O threads; a client just reconnects.
  int max_requests_per_connection = 1000;
  int read_timeout_seconds = 10;
  int idle_timeout_seconds = 30;
  std::string log_format = "text";
  std::string log_level = "info";
};

// Splits "host:port" / "[v6]:port".
bool ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  try {
    const int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  *host = h.empty() ? "0.0.0.0" : h;
  return true;
}

// File descriptors kept free of connections: the store's files and reader connections (SQLite
// keeps up to 16 readers, 2 fds each), the listening sockets, the log, epoll and the like.
constexpr long kReservedFds = 128;

// Raises the soft limit on open files to the hard limit (a default soft limit of 1024 would cap
// the server far below --max-connections) and returns the limit now in force, or -1 if unknown.
long RaiseFileLimit() {
  struct rlimit lim;
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  if (lim.rlim_cur < lim.rlim_max) {
    struct rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? -1 : static_cast<long>(lim.rlim_cur);
}

void SetUpLogging(const ServeFlags& f) {
  auto logger = spdlog::stderr_color_mt("jitgate");
  spdlog::set_default_logger(logger);
  if (f.log_format == "json") {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%v"})", spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  spdlog::set_level(spdlog::level::from_str(f.log_level));
}

// A store URL fit for output: the password of `scheme://user:password@host` and any
// `password=` parameter replaced by "***".
std::string RedactPassword(std::string url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    const size_t at = url.find('@', scheme + 3);
    const size_t colon = url.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      url.replace(colon + 1, at - colon - 1, "***");
  }
  for (size_t p = url.find("password="); p != std::string::npos; p = url.find("password=", p + 1)) {
    const size_t end = url.find('&', p);
    url.replace(p + 9, (end == std::string::npos ? url.size() : end) - p - 9, "***");
  }
  return url;
}

// Makes the database password in `path` (first line) the one libpq uses when the URL has none
// (as PGPASSWORD), so it need not appear in a URL, a process listing or an environment file.
// Empty path: nothing to do. Prints the problem and returns false when the file cannot be read.
bool UsePasswordFile(const std::string& path) {
  if (path.empty()) return true;
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password)) {
    std::cerr << "jitgate: cannot read the database password file " << path << "\n";
    return false;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  ::setenv("PGPASSWORD", password.c_str(), 1);
  return true;
}

AppConfig ConfigFrom(const ServeFlags& f) {
  AppConfig c;
  c.limits.max_active_grants = f.max_active_grants;
  c.limits.max_users_per_grant = f.max_users_per_grant;
  c.limits.max_pools_per_grant = f.max_pools_per_grant;
  c.limits.max_grant_duration = static_cast<Millis>(f.max_grant_days) * kMillisPerDay;
  c.login_max_failures_per_email = f.login_max_failures;
  c.login_max_failures_per_address = 4 * f.login_max_failures;
  return c;
}

int Serve(const ServeFlags& f) {
  SetUpLogging(f);
  HttpServer::Options opts;
  if (!ParseListen(f.listen, &opts.host, &opts.port)) {
    std::cerr << "jitgate: --listen must be HOST:PORT, got " << f.listen << "\n";
    return 1;
  }
  opts.io_threads = f.io_threads;
  opts.tls_cert_file = f.tls_cert;
  opts.tls_key_file = f.tls_key;
  opts.max_connections = f.max_connections;
  opts.max_requests_per_connection = f.max_requests_per_connection;
  opts.read_timeout = std::chrono::seconds(f.read_timeout_seconds);
  opts.idle_timeout = std::chrono::seconds(f.idle_timeout_seconds);

  // Past the open files limit, accept() fails and clients wait unanswered in the backlog; kept
  // below it, a connection too many is answered 503 at once, with fds to spare for the store.
  const long open_files = RaiseFileLimit();
  if (open_files > 0 && f.max_connections > open_files - kReservedFds) {
    opts.max_connections = static_cast<int>(std::max(1L, open_files - kReservedFds));
    spdlog::warn("--max-connections {} lowered to {}: the open files limit is {}",
                 f.max_connections, opts.max_connections, open_files);
  }
  spdlog::info("open files limit {}, at most {} connections", open_files, opts.max_connections);

  if (!UsePasswordFile(f.db_password_file)) return 1;
  auto store = OpenStore(f.db);
  if (!store.ok()) {
    std::cerr << "jitgate: cannot open the store: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  App app(**store, clock, ConfigFrom(f));
  if (Status st = app.Start(); !st.ok()) {
    std::cerr << "jitgate: cannot start: " << st.message() << "\n";
    return 1;
  }
  Router router;
  if (Status st = RegisterApiRoutes(router, app); !st.ok()) {
    std::cerr << "jitgate: " << st.message() << "\n";
    return 1;
  }
  StaticFiles portal(StaticFiles::Options{.root = f.web_dir});
  router.SetFallback(portal.AsHandler(), RouteOptions{.blocking = true});
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& r : router.Routes()) names.emplace_back(r.method, r.pattern);
  app.metrics().RegisterRoutes(names);

  HttpServer server(opts, router);
  Metrics& metrics = app.metrics();
  server.SetRequestHook([&metrics](const HttpRequest& req, const std::string& route, int status, double secs) {
    metrics.RecordRequest(req.method, route, status, secs);
  });
  if (Status st = server.Start(); !st.ok()) {
    std::cerr << "jitgate: cannot listen on " << f.listen << ": " << st.message() << "\n";
    return 1;
  }
  spdlog::info("jitgate serving on {}://{}:{} (store {})", f.tls_cert.empty() ? "http" : "https", opts.host,
               server.port(), f.db.substr(0, f.db.find(':')));
  server.WaitForSignal();
  spdlog::info("jitgate stopping");
  app.Stop();
  return 0;
}

int Init(const std::string& db, const std::string& password_file, const std::string& email, bool json) {
  if (!UsePasswordFile(password_file)) return 1;
  auto store = OpenStore(db);
  if (!store.ok()) {
    std::cerr << "jitgate: cannot open the store: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  App app(**store, clock, AppConfig{});
  auto r = Bootstrap(app, email);
  if (!r.ok()) {
    std::cerr << "jitgate: " << r.status().message();
    for (const auto& d : r.status().details()) std::cerr << "\n  " << d.field << ": " << d.message;
    std::cerr << "\n";
    return 1;
  }
  if (json) {
    std::cout << nlohmann::json{{"userId", r->admin.id}, {"email", r->admin.email}, {"password", r->password},
                                {"apiKey", r->api_key}}
                     .dump()
              << std::endl;
  } else {
    std::cout << "jitgate store initialised (" << RedactPassword(db) << ")\n"
              << "  admin email:    " << r->admin.email << "\n"
              << "  admin password: " << r->password << "\n"
              << "  admin API key:  " << r->api_key << "\n"
              << "These are shown once and never again: keep them safe.\n";
  }
  return 0;
}

}  // namespace

void RegisterServerCommands(CLI::App& app, int* exit_code) {
  auto init_db = std::make_shared<std::string>("sqlite:data/jitgate.db");
  auto init_email = std::make_shared<std::string>();
  auto init_json = std::make_shared<bool>(false);
  auto init_password_file = std::make_shared<std::string>();
  CLI::App* init = app.add_subcommand("init", "Create the schema and the first role manager (once)");
  init->add_option("--db", *init_db, "Store URL: sqlite:PATH or postgres://...")->envname("JITGATE_DB");
  init->add_option("--db-password-file", *init_password_file,
                   "File whose first line is the database password (PostgreSQL)")
      ->envname("JITGATE_DB_PASSWORD_FILE");
  init->add_option("--admin-email", *init_email, "Email of the first role manager")->required();
  init->add_flag("--json", *init_json, "Print {userId, email, password, apiKey} as JSON");
  init->callback([=] { *exit_code = Init(*init_db, *init_password_file, *init_email, *init_json); });

  auto f = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Serve the REST API and the portal");
  serve->add_option("--db", f->db, "Store URL: sqlite:PATH or postgres://...")->envname("JITGATE_DB");
  serve->add_option("--db-password-file", f->db_password_file,
                    "File whose first line is the database password (PostgreSQL)")
      ->envname("JITGATE_DB_PASSWORD_FILE");
  serve->add_option("--listen", f->listen, "HOST:PORT to listen on")->envname("JITGATE_LISTEN");
  serve->add_option("--tls-cert", f->tls_cert, "TLS certificate chain (PEM)")->envname("JITGATE_TLS_CERT");
  serve->add_option("--tls-key", f->tls_key, "TLS private key (PEM)")->envname("JITGATE_TLS_KEY");
  serve->add_option("--web-dir", f->web_dir, "The portal's build directory")->envname("JITGATE_WEB_DIR");
  serve->add_option("--max-active-grants", f->max_active_grants, "Active JIT grants at most")
      ->envname("JITGATE_MAX_ACTIVE_GRANTS")->check(CLI::Range(1, 1000000));
  serve->add_option("--max-users-per-grant", f->max_users_per_grant, "Users per grant at most")
      ->envname("JITGATE_MAX_USERS_PER_GRANT")->check(CLI::Range(1, 100000));
  serve->add_option("--max-pools-per-grant", f->max_pools_per_grant, "Agent pools per grant at most")
      ->envname("JITGATE_MAX_POOLS_PER_GRANT")->check(CLI::Range(1, 100000));
  serve->add_option("--max-grant-days", f->max_grant_days, "Longest grant, in days")
      ->envname("JITGATE_MAX_GRANT_DAYS")->check(CLI::Range(1, 3650));
  serve->add_option("--login-max-failures", f->login_max_failures, "Failed logins per email before 429")
      ->envname("JITGATE_LOGIN_MAX_FAILURES")->check(CLI::Range(1, 1000000));
  serve->add_option("--io-threads", f->io_threads, "I/O threads (0: one per core)")
      ->envname("JITGATE_IO_THREADS")->check(CLI::Range(0, 256));
  serve->add_option("--max-connections", f->max_connections, "Open connections at most")
      ->envname("JITGATE_MAX_CONNECTIONS")->check(CLI::Range(1, 1000000));
  serve->add_option("--max-requests-per-connection", f->max_requests_per_connection,
                    "Requests served on one keep-alive connection before it is closed (0: no limit)")
      ->envname("JITGATE_MAX_REQUESTS_PER_CONNECTION")->check(CLI::Range(0, 100000000));
  serve->add_option("--read-timeout", f->read_timeout_seconds, "Seconds to receive one request")
      ->envname("JITGATE_READ_TIMEOUT")->check(CLI::Range(1, 3600));
  serve->add_option("--idle-timeout", f->idle_timeout_seconds, "Seconds a keep-alive connection may idle")
      ->envname("JITGATE_IDLE_TIMEOUT")->check(CLI::Range(1, 3600));
  serve->add_option("--log-format", f->log_format, "text or json")
      ->envname("JITGATE_LOG_FORMAT")->check(CLI::IsMember({"text", "json"}));
  serve->add_option("--log-level", f->log_level, "trace, debug, info, warn, error")
      ->envname("JITGATE_LOG_LEVEL")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  serve->callback([=] { *exit_code = Serve(*f); });
}

}  // namespace jitgate
