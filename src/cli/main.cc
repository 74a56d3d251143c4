// jitgate: one binary for the server (init, serve) and the client verbs.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/client_commands.h"
#include "cli/server_commands.h"

int main(int argc, char** argv) {
  CLI::App app("jitgate: just-in-time access to agent pools", "jitgate");
  app.require_subcommand(1);
  int exit_code = 0;
  jitgate::RegisterServerCommands(app, &exit_code);
  jitgate::RegisterClientCommands(app, &exit_code, std::cout, std::cerr);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 1, like the verbs' own validation.
    return app.exit(e) == 0 ? 0 : 1;
  }
  return exit_code;
}
