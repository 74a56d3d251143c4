"""The benchmark data set, defined once so every system under test holds the same data.

Ids are deterministic functions of an index, so the SQLite seeder (jitgate), the PostgreSQL
seeder (the SQL alternative) and the load scripts (wrk, pgbench) agree without passing lists:
  user i  -> UUID "........-0000-4000-8000-a..........." (kind digit a), pools b, groups c, grants d;
  grant i -> user GRANT_USER(i), pool GRANT_POOL(i); grants [0, active) are active, the rest history.
Check queries are half (user, pool) pairs of an active grant, half random pairs (mostly misses),
the same mix as bench/access_check_bench.cc.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How big the directory is. `history` grants are ended ones kept in the store only."""
    users: int
    pools: int
    groups: int
    active: int
    history: int = 0


# Issue 6's scale (100k users / 10k pools / 10k groups / 100k active grants) with 900k ended
# grants, so the start-up figure is "1,000,000 grants in history, 100,000 of them active".
LARGE = Scale(100_000, 10_000, 10_000, 100_000, 900_000)
# Issue 2's scale, used for the write benchmarks' directory.
SMALL = Scale(10_000, 1_000, 1_000, 100, 0)

# Multipliers of the grant -> (user, pool) maps; the pgbench script repeats them (check.sql).
USER_MUL, USER_ADD = 7919, 13
POOL_MUL, POOL_ADD = 104729, 7


def uid(kind, i):
    """The UUID of object `i` of a kind ('a' user, 'b' pool, 'c' group, 'd' grant)."""
    return f"{i:08x}-0000-4000-8000-{kind}{i:011x}"


def grant_user(i, s):
    return (i * USER_MUL + USER_ADD) % s.users


def grant_pool(i, s):
    return (i * POOL_MUL + POOL_ADD) % s.pools


def check_pairs(s, n, seed=7):
    """`n` (user index, pool index) check queries: even ones hit an active grant, odd ones random."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        if k % 2 == 0 and s.active:
            i = rng.randrange(s.active)
            out.append((grant_user(i, s), grant_pool(i, s)))
        else:
            out.append((rng.randrange(s.users), rng.randrange(s.pools)))
    return out


def write_pairs_file(path, s, n):
    """Writes `n` check queries as "userId poolId" lines (UUIDs) for the wrk scripts."""
    with open(path, "w") as f:
        for u, p in check_pairs(s, n):
            f.write(f"{uid('a', u)} {uid('b', p)}\n")
