#!/usr/bin/env python3
"""Seeds a running jitgate with a directory of a given size, over the REST API.

Usage: seed.py URL API_KEY USERS POOLS GROUPS GRANTS
Prints one JSON line: {"userId": ..., "poolId": ...} of a pair that has access (for check benchmarks).
"""
import http.client
import json
import random
import sys
import urllib.parse


def main():
    url, key, n_users, n_pools, n_groups, n_grants = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(path, body):
        conn.request("POST", "/api/v1" + path, json.dumps(body), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            raise SystemExit(f"POST {path}: {r.status} {data[:300]!r}")
        return json.loads(data)

    rng = random.Random(1)
    users = [post("/users", {"email": f"bench{i}@example.com", "name": f"Bench {i}"})["id"] for i in range(n_users)]
    pools = [post("/agent-pool", {"name": f"bench-pool-{i}"})["id"] for i in range(n_pools)]
    per_group = max(1, 2 * n_users // max(1, n_groups))
    for g in range(n_groups):
        post("/groups", {"name": f"bench-group-{g}",
                         "memberIds": rng.sample(users, min(per_group, len(users))),
                         "poolAccess": [{"agentPoolId": p, "role": "STANDARD"} for p in rng.sample(pools, min(3, len(pools)))]})
    first = None
    for i in range(n_grants):
        g = post("/jit-access", {"name": f"bench-grant-{i}", "role": "PRIVILEGED",
                                 "agentPoolIds": [rng.choice(pools)], "userIds": [rng.choice(users)],
                                 "expiration": {"days": 7}, "reason": "benchmark"})
        first = first or g
    print(json.dumps({"userId": first["userIds"][0] if first else users[0],
                      "poolId": first["agentPoolIds"][0] if first else pools[0],
                      "users": users[:100], "pools": pools[:100]}))


if __name__ == "__main__":
    main()
