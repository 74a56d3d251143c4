#!/usr/bin/env bash
# Runs jitgate's benchmarks on loopback and prints the figures recorded in docs/PERFORMANCE.md:
#  1. in-process access check (Google Benchmark);
#  2. GET /api/v1/access/check over HTTP keep-alive (wrk -t2 -c64) at 10k users / 1k pools /
#     1k groups / 100 active grants;
#  3. durable grant creations per second with 1 and 16 clients (limit raised).
# Every server is started on a free port in a temp dir and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
BIN=$BUILD/jitgate
DURATION=${DURATION:-10s}
N_USERS=${N_USERS:-10000} N_POOLS=${N_POOLS:-1000} N_GROUPS=${N_GROUPS:-1000} N_GRANTS=${N_GRANTS:-100}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

start_server() {  # name, extra flags...
  local name=$1; shift
  local port; port=$(free_port)
  "$BIN" init --db "sqlite:$tmp/$name.db" --admin-email "bench@example.com" --json > "$tmp/$name.json"
  "$BIN" serve --db "sqlite:$tmp/$name.db" --listen "127.0.0.1:$port" --log-level warn "$@" 2> "$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "$port"
}
key_of() { /usr/bin/python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["apiKey"])' "$tmp/$1.json"; }

echo "== 1. in-process access check (median of 5) =="
"$BUILD/bench/access_check_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_filter='BM_Check|BM_Build/small' 2>/dev/null | grep -E 'median|Benchmark'

echo "== 2. HTTP GET /api/v1/access/check ($N_USERS users, $N_POOLS pools, $N_GROUPS groups, $N_GRANTS grants) =="
port=$(start_server check)
export JG_KEY; JG_KEY=$(key_of check)
seed=$(/usr/bin/python3 bench/seed.py "http://127.0.0.1:$port" "$JG_KEY" "$N_USERS" "$N_POOLS" "$N_GROUPS" "$N_GRANTS")
export JG_USER JG_POOL
JG_USER=$(echo "$seed" | /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["userId"])')
JG_POOL=$(echo "$seed" | /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["poolId"])')
curl -s -H "Authorization: Bearer $JG_KEY" "http://127.0.0.1:$port/api/v1/access/check?userId=$JG_USER&agentPoolId=$JG_POOL&permission=USE"; echo
wrk -t2 -c64 -d"$DURATION" --latency -s bench/check.lua "http://127.0.0.1:$port" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket'

echo "== 3. durable grant creations (limit raised) =="
port=$(start_server writes --max-active-grants 10000000)
JG_KEY=$(key_of writes)
seed=$(/usr/bin/python3 bench/seed.py "http://127.0.0.1:$port" "$JG_KEY" 1 1 0 0)
JG_USER=$(echo "$seed" | /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["userId"])')
JG_POOL=$(echo "$seed" | /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["poolId"])')
for conns in 1 16; do
  threads=$(( conns < 2 ? 1 : 2 ))
  echo "-- $conns client(s)"
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s bench/grant.lua "http://127.0.0.1:$port" | grep -E 'Requests/sec|Latency|99%|Non-2xx|Socket'
done
