// The server-side subcommands: `jitgate init` and `jitgate serve`.
#pragma once

#include <CLI/CLI.hpp>

namespace jitgate {

// Adds `init` and `serve` to `app`. When one runs, *exit_code receives its exit status.
void RegisterServerCommands(CLI::App& app, int* exit_code);

}  // namespace jitgate
