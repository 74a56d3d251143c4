#include "cli/client_commands.h"

#include <cstdlib>
#include <functional>
#include <memory>

#include "cli/client_api.h"
#include "cli/client_format.h"
#include "cli/client_verbs.h"

namespace jitgate {
namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";
constexpr const char* kConnectionGroup = "Connection";

// The options every verb shares; given before or after the verb.
struct Connection {
  std::string server;
  std::string api_key;
  std::string ca_file;
  bool json = false;
};

using Verb = std::function<Status(ApiClient&, const VerbOutput&)>;

// The flag when given, else the environment variable when set and not empty, else `fallback`.
std::string FlagOrEnv(const std::string& flag, const char* env, const std::string& fallback) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value != nullptr && *value != '\0' ? value : fallback;
}

void AddConnectionOptions(CLI::App& cmd, Connection& c) {
  cmd.add_option("--server", c.server,
                 "jitgate server URL (else $JITGATE_SERVER, else http://127.0.0.1:8080)")
      ->group(kConnectionGroup);
  cmd.add_option("--api-key", c.api_key,
                 "API key (else $JITGATE_API_KEY; prefer the variable: command lines are "
                 "visible to other local users)")
      ->group(kConnectionGroup);
  cmd.add_option("--ca-file", c.ca_file,
                 "PEM file of CAs trusted for an https:// server (else $JITGATE_CA_FILE, else "
                 "the system's)")
      ->group(kConnectionGroup);
  cmd.add_flag("--json", c.json, "print the API's JSON instead of a table")
      ->group(kConnectionGroup);
}

// Resolves the connection, runs `verb`, prints its error; returns the exit status.
int RunVerb(const Connection& c, std::ostream& out, std::ostream& err, const Verb& verb) {
  ClientConfig config;
  config.server = FlagOrEnv(c.server, "JITGATE_SERVER", kDefaultServer);
  config.api_key = FlagOrEnv(c.api_key, "JITGATE_API_KEY", "");
  config.http.ca_file = FlagOrEnv(c.ca_file, "JITGATE_CA_FILE", "");
  Status status = ParseUrl(config.server).status();
  if (status.ok() && config.api_key.empty()) {
    status = Status(Code::kUnauthenticated, "no API key: set JITGATE_API_KEY or pass --api-key");
  }
  ApiClient client(std::move(config));
  if (status.ok()) status = verb(client, VerbOutput{out, c.json});
  if (status.ok()) return 0;
  err << FormatError(status);
  return client.unreachable() ? 2 : 1;
}

// Adds one verb: its own options via `add_options`, the shared connection options, and the
// callback that runs `make_verb()` and stores the exit status.
template <typename AddOptions, typename MakeVerb>
void AddVerb(CLI::App& app, const char* name, const char* description,
             const std::shared_ptr<Connection>& conn, int* exit_code, std::ostream& out,
             std::ostream& err, AddOptions add_options, MakeVerb make_verb) {
  CLI::App* cmd = app.add_subcommand(name, description);
  add_options(*cmd);
  AddConnectionOptions(*cmd, *conn);
  cmd->callback([conn, exit_code, &out, &err, make_verb] {
    *exit_code = RunVerb(*conn, out, err, make_verb());
  });
}

void AddGrant(CLI::App& app, const std::shared_ptr<Connection>& conn, int* exit_code,
              std::ostream& out, std::ostream& err) {
  struct Flags {
    GrantArgs args;
    int64_t days = 0, hours = 0;
    std::string at, reason;
    CLI::Option *days_opt = nullptr, *hours_opt = nullptr, *at_opt = nullptr, *reason_opt = nullptr;
  };
  auto f = std::make_shared<Flags>();
  auto add_options = [f](CLI::App& cmd) {
    cmd.add_option("--name", f->args.name, "name of the grant (required)");
    cmd.add_option("--role", f->args.role, "STANDARD or PRIVILEGED (required)");
    cmd.add_option("--pool", f->args.pools,
                   "agent pool ID or name; repeat or separate with commas (required)");
    cmd.add_option("--user", f->args.users,
                   "user ID or email; repeat or separate with commas (required)");
    f->days_opt = cmd.add_option("--days", f->days, "expire after N days");
    f->hours_opt = cmd.add_option("--hours", f->hours, "expire after N hours");
    f->at_opt = cmd.add_option("--at", f->at, "expire at an RFC 3339 time");
    f->reason_opt = cmd.add_option("--reason", f->reason, "why (e.g. a ticket number)");
    cmd.add_option("--idempotency-key", f->args.idempotency_key,
                   "send as Idempotency-Key so that a retry does not grant twice");
  };
  auto make_verb = [f]() -> Verb {
    GrantArgs args = f->args;
    if (f->days_opt->count() > 0) args.days = f->days;
    if (f->hours_opt->count() > 0) args.hours = f->hours;
    if (f->at_opt->count() > 0) args.at = f->at;
    if (f->reason_opt->count() > 0) args.reason = f->reason;
    return [args](ApiClient& c, const VerbOutput& o) { return RunGrant(c, args, o); };
  };
  AddVerb(app, "grant", "Grant users temporary access to agent pools", conn, exit_code, out, err,
          add_options, make_verb);
}

void AddRevoke(CLI::App& app, const std::shared_ptr<Connection>& conn, int* exit_code,
               std::ostream& out, std::ostream& err) {
  auto id = std::make_shared<std::string>();
  AddVerb(
      app, "revoke", "Revoke a grant at once", conn, exit_code, out, err,
      [id](CLI::App& cmd) { cmd.add_option("id", *id, "the grant's ID"); },
      [id]() -> Verb {
        return [id](ApiClient& c, const VerbOutput& o) { return RunRevoke(c, *id, o); };
      });
}

void AddList(CLI::App& app, const std::shared_ptr<Connection>& conn, int* exit_code,
             std::ostream& out, std::ostream& err) {
  auto args = std::make_shared<ListArgs>();
  AddVerb(
      app, "list", "List grants, newest first", conn, exit_code, out, err,
      [args](CLI::App& cmd) {
        cmd.add_option("--status", args->status, "active (default), expired, revoked or all");
        cmd.add_option("--limit", args->limit, "show at most N grants (default 1000)");
        cmd.add_option("--user", args->user, "only grants naming this user (ID or email)");
        cmd.add_option("--pool", args->pool, "only grants naming this agent pool (ID or name)");
      },
      [args]() -> Verb {
        return [args](ApiClient& c, const VerbOutput& o) { return RunList(c, *args, o); };
      });
}

void AddCheck(CLI::App& app, const std::shared_ptr<Connection>& conn, int* exit_code,
              std::ostream& out, std::ostream& err) {
  auto args = std::make_shared<CheckArgs>();
  AddVerb(
      app, "check", "Check a user's permission on an agent pool (exit 0 whether allowed or not)",
      conn, exit_code, out, err,
      [args](CLI::App& cmd) {
        cmd.add_option("--user", args->user, "user ID or email (required)");
        cmd.add_option("--pool", args->pool, "agent pool ID or name (required)");
        cmd.add_option("--permission", args->permission, "USE or IGNORE_QUOTA (required)");
      },
      [args]() -> Verb {
        return [args](ApiClient& c, const VerbOutput& o) { return RunCheck(c, *args, o); };
      });
}

void AddSearchVerb(CLI::App& app, const char* name, const char* description,
                   Status (*run)(ApiClient&, const SearchArgs&, const VerbOutput&),
                   const std::shared_ptr<Connection>& conn, int* exit_code, std::ostream& out,
                   std::ostream& err) {
  auto args = std::make_shared<SearchArgs>();
  AddVerb(
      app, name, description, conn, exit_code, out, err,
      [args](CLI::App& cmd) {
        cmd.add_option("--search", args->search, "case-insensitive substring to match");
        cmd.add_option("--limit", args->limit, "show at most N (default 1000)");
      },
      [args, run]() -> Verb {
        return [args, run](ApiClient& c, const VerbOutput& o) { return run(c, *args, o); };
      });
}

void AddAudit(CLI::App& app, const std::shared_ptr<Connection>& conn, int* exit_code,
              std::ostream& out, std::ostream& err) {
  auto args = std::make_shared<AuditArgs>();
  AddVerb(
      app, "audit", "Show the newest audit events, or verify the audit hash chain", conn, exit_code,
      out, err,
      [args](CLI::App& cmd) {
        cmd.add_option("--type", args->type, "only events of this type, e.g. jit.granted");
        cmd.add_option("--limit", args->limit, "show the newest N events (default 100)");
        cmd.add_flag("--verify", args->verify,
                     "verify the hash chain instead (exit 1 when it is broken)");
      },
      [args]() -> Verb {
        return [args](ApiClient& c, const VerbOutput& o) { return RunAudit(c, *args, o); };
      });
}

}  // namespace

void RegisterClientCommands(CLI::App& app, int* exit_code, std::ostream& out, std::ostream& err) {
  auto conn = std::make_shared<Connection>();
  AddConnectionOptions(app, *conn);
  // `app` does not own `conn`; keep it alive as long as the callbacks (which share it) live.
  AddGrant(app, conn, exit_code, out, err);
  AddRevoke(app, conn, exit_code, out, err);
  AddList(app, conn, exit_code, out, err);
  AddCheck(app, conn, exit_code, out, err);
  AddSearchVerb(app, "pools", "List agent pools", RunPools, conn, exit_code, out, err);
  AddSearchVerb(app, "users", "List users", RunUsers, conn, exit_code, out, err);
  AddAudit(app, conn, exit_code, out, err);
}

}  // namespace jitgate
