-- POST /api/v1/access/check with JG_BATCH checks (default 100) per request, drawn at random from
-- JG_PAIRS. 256 bodies are formatted in init; request() only picks one.
local common = dofile(os.getenv("JG_LUA_DIR") .. "/common.lua")
local reqs = {}

function init(args)
  common.seed()
  local all = common.pairs()
  local n = tonumber(os.getenv("JG_BATCH") or "100")
  for b = 1, 256 do
    local items = {}
    for k = 1, n do
      local pair = all[math.random(#all)]
      items[k] = '{"userId":"' .. pair[1] .. '","agentPoolId":"' .. pair[2] .. '","permission":"USE"}'
    end
    reqs[b] = wrk.format("POST", "/api/v1/access/check", common.auth_headers(),
      '{"checks":[' .. table.concat(items, ",") .. ']}')
  end
end

function request()
  return reqs[math.random(#reqs)]
end
