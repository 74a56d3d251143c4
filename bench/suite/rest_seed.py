"""Seeds a small directory through the REST API (for backends whose schema the suite does not
write directly) and writes a "userId poolId" pairs file of random combinations for grant.lua."""

import http.client
import json
import random


def seed(j, n_users, n_pools, pairs_path, n_pairs=4096):
    """Creates n_users users and n_pools pools on server `j`; returns pairs_path. Raises on non-201."""
    c = http.client.HTTPConnection("127.0.0.1", j.port, timeout=60)
    headers = {"Authorization": f"Bearer {j.key}", "Content-Type": "application/json"}

    def post(path, body):
        c.request("POST", "/api/v1" + path, json.dumps(body), headers)
        r = c.getresponse()
        data = r.read()
        if r.status != 201:
            raise RuntimeError(f"POST {path}: {r.status} {data[:200]!r}")
        return json.loads(data)["id"]

    users = [post("/users", {"email": f"w{i}@bench.example", "name": f"W {i}"}) for i in range(n_users)]
    pools = [post("/agent-pool", {"name": f"wpool-{i}"}) for i in range(n_pools)]
    rng = random.Random(3)
    with open(pairs_path, "w") as f:
        for _ in range(n_pairs):
            f.write(f"{rng.choice(users)} {rng.choice(pools)}\n")
    return pairs_path
