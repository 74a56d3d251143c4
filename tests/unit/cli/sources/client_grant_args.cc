// jg_cli_tests links only jg_api, and src/cli/*.cc is compiled into the jitgate executable only,
// so the CLI sources under test are compiled into the test binary here, one translation unit
// each (exactly as in the executable). Remove these files once src/cli has its own library.
#include "cli/client_grant_args.cc"  // NOLINT(bugprone-suspicious-include)
