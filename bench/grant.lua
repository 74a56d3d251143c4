-- wrk script: every request creates a JIT grant (the server runs with the limit raised).
-- Env: JG_KEY, JG_USER, JG_POOL.
local key, user, pool = os.getenv("JG_KEY"), os.getenv("JG_USER"), os.getenv("JG_POOL")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"name":"bench-%d","role":"STANDARD","agentPoolIds":["%s"],"userIds":["%s"],"expiration":{"days":7}}',
    counter, pool, user)
  return wrk.format("POST", "/api/v1/jit-access",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
