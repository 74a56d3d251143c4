// How the conformance suite reaches a backend: each backend is one StoreBackend value, registered
// in backends.cc. The suite itself only ever sees the Store interface (through OpenStore(url)).
#pragma once

#include <functional>
#include <ostream>
#include <set>
#include <string>

namespace jitgate::testing {

struct StoreBackend {
  // Printable name, used as the test-name suffix (letters and digits only).
  std::string name;
  // Creates a fresh, empty database and returns the URL OpenStore opens it by. Called once per
  // test.
  std::function<std::string()> create_database;
  // Removes what create_database made; called after every store of the test has been closed.
  std::function<void(const std::string& url)> drop_database;
  // Categories of the suite this backend opts out of (see conformance.h for the list). Every entry
  // must carry a comment where it is set saying why the backend cannot honour that category.
  std::set<std::string> skipped_categories;
};

// How gtest prints a backend in test names and failures: its name, not its bytes.
inline void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }

}  // namespace jitgate::testing
