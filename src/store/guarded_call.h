// Shared by the backends' Read/Write: an exception escaping a transaction's fn must not leave a
// connection inside an open transaction.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "core/status.h"

namespace jitgate {

// Runs fn(tx), turning an escaping exception into kInternal so the caller always ends the
// transaction.
template <typename Tx>
Status RunGuarded(const std::function<Status(Tx&)>& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("exception inside a store transaction: ") + e.what());
  } catch (...) {
    return Status::Internal("exception inside a store transaction");
  }
}

}  // namespace jitgate
