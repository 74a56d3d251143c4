// UserService: the user directory (create, update, delete, read, search).
#pragma once

#include <optional>
#include <string>

#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

struct NewUser {
  std::string email;
  std::string name;
  std::optional<std::string> password;
  bool role_manager = false;
};

// Absent fields are left unchanged.
struct UserChange {
  std::optional<std::string> name;
  std::optional<bool> role_manager;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};

class UserService {
 public:
  explicit UserService(ServiceContext& ctx) : ctx_(ctx) {}

  // kInvalidArgument (each bad field), kConflict (email in use). Writes `user.created`.
  Result<User> Create(const Principal& actor, const NewUser& u, const std::optional<IdempotencyKey>& idem);
  // kNotFound; kConflict when the change would leave no enabled role manager. Disabling a user ends
  // their sessions and keys at once. Writes `user.updated`.
  Result<User> Update(const Principal& actor, const std::string& id, const UserChange& c);
  // kNotFound; kConflict while named in an active grant or when it is the last enabled role manager.
  Status Delete(const Principal& actor, const std::string& id);

  Result<User> Get(const std::string& id);
  Result<Page<User>> List(const UserQuery& q);

 private:
  ServiceContext& ctx_;
};

// Field rules shared by create and update.
void ValidateUserName(const std::string& name, std::vector<FieldError>& errors);
void ValidatePassword(const std::string& password, std::vector<FieldError>& errors);
void ValidateEmail(const std::string& email, std::vector<FieldError>& errors);

}  // namespace jitgate
