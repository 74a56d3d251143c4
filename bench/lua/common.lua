-- Shared by the wrk scripts (loaded with dofile): reading the check pairs, a per-thread random
-- seed, an optional think time for a reduced load, and one JSON result line for bench/suite.
local common = {}

-- Each thread gets its own id (set in setup), so threads draw different query sequences.
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

-- Returns the "userId poolId" lines of the file named by JG_PAIRS as {user, pool} tables.
function common.pairs()
  local out = {}
  for line in io.lines(os.getenv("JG_PAIRS")) do
    local u, p = line:match("^(%S+) (%S+)$")
    out[#out + 1] = {u, p}
  end
  return out
end

function common.seed()
  math.randomseed((thread_id or 0) * 7919 + 17)
end

function common.auth_headers()
  return {["Authorization"] = "Bearer " .. os.getenv("JG_KEY"), ["Content-Type"] = "application/json"}
end

-- JG_DELAY_MS (a mean, may be fractional): each connection waits this long between a response
-- and its next request, which is how the suite runs at a chosen fraction of the maximum rate
-- (wrk2's constant-rate mode is not packaged in Debian). Defined only when asked for, since
-- wrk takes a slower timer path for every request once a script has a delay function.
local delay_ms = tonumber(os.getenv("JG_DELAY_MS") or "")
if delay_ms then
  local base = math.floor(delay_ms)
  local frac = delay_ms - base
  function delay()
    if math.random() < frac then return base + 1 end
    return base
  end
end

-- Prints one line "JGRESULT {...}" with the counts and the latency percentiles in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JGRESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end

return common
