// Handlers of /api/v1/auth.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {

Result<ApiReply> Login(ApiCall& call) {
  BodyReader r(call.body, {"email", "password"});
  auto email = r.String("email", true, 1024);
  auto password = r.String("password", true, 4096);
  RETURN_IF_ERROR(r.Finish());
  ASSIGN_OR_RETURN(LoginResult login, call.app.sessions.Login(*email, *password, call.request.remote_address));
  ApiReply reply = ApiReply::Ok({{"user", ToJson(login.user)}, {"csrfToken", login.csrf_token}});
  const Millis max_age = (login.expires_at - call.app.clock().Now()) / 1000;
  std::string cookie = "jitgate_session=" + login.session_token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age);
  if (call.request.tls) cookie += "; Secure";
  reply.headers.emplace_back("Set-Cookie", std::move(cookie));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Result<ApiReply> Logout(ApiCall& call) {
  if (!call.session_token.empty()) RETURN_IF_ERROR(call.app.sessions.Logout(call.principal, call.session_token));
  ApiReply reply = ApiReply::NoContent();
  reply.headers.emplace_back("Set-Cookie", "jitgate_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return reply;
}

}  // namespace jitgate
