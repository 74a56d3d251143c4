-- GET /api/v1/access/check for random (user, pool) pairs of JG_PAIRS, with the API key JG_KEY.
-- The same script drives the nginx baseline (which answers any path), so wrk does the same work
-- against both. Requests are formatted once in init; request() only picks one.
local common = dofile(os.getenv("JG_LUA_DIR") .. "/common.lua")
local reqs = {}

function init(args)
  common.seed()
  local headers = {["Authorization"] = "Bearer " .. os.getenv("JG_KEY")}
  for _, pair in ipairs(common.pairs()) do
    reqs[#reqs + 1] = wrk.format("GET", "/api/v1/access/check?userId=" .. pair[1] ..
      "&agentPoolId=" .. pair[2] .. "&permission=USE", headers)
  end
end

function request()
  return reqs[math.random(#reqs)]
end
