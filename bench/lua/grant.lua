-- Every request creates a JIT grant (POST /api/v1/jit-access) for a random (user, pool) pair of
-- JG_PAIRS; the server runs with the active-grant limit raised. A 201 is acknowledged only after
-- the commit is durable, so requests/s here is durable grant creations/s.
local common = dofile(os.getenv("JG_LUA_DIR") .. "/common.lua")
local all, headers
local counter = 0

function init(args)
  common.seed()
  all = common.pairs()
  headers = common.auth_headers()
end

function request()
  counter = counter + 1
  local pair = all[math.random(#all)]
  local body = string.format(
    '{"name":"bench-%d-%d","role":"STANDARD","agentPoolIds":["%s"],"userIds":["%s"],' ..
    '"expiration":{"days":7},"reason":"benchmark"}', thread_id or 0, counter, pair[2], pair[1])
  return wrk.format("POST", "/api/v1/jit-access", headers, body)
end
