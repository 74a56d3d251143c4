// The client verbs of the `jitgate` binary: grant, revoke, list, check, pools, users, audit.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

namespace jitgate {

// Adds the client subcommands (grant, revoke, list, check, pools, users, audit) to `app`.
// When one of them runs, it writes its output to `out` / errors to `err` and stores its exit status
// in *exit_code (0 success, 1 server/usage error, 2 cannot reach the server).
// Also adds --server, --api-key, --ca-file and --json to `app` itself, so they may come before
// or after the verb. The server is --server, else $JITGATE_SERVER, else http://127.0.0.1:8080;
// the key is --api-key, else $JITGATE_API_KEY; the CA file is --ca-file, else $JITGATE_CA_FILE.
// `app`, `exit_code`, `out` and `err` must outlive parsing. Not thread-safe.
void RegisterClientCommands(CLI::App& app, int* exit_code, std::ostream& out, std::ostream& err);

}  // namespace jitgate
