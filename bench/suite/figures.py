"""Figures (a measure taken in several runs: median, min, max) and the targets they are held to."""

import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measure. `values` holds one number per run; `note` says how it was taken."""
    key: str
    label: str
    unit: str
    digits: int = 0
    values: list = field(default_factory=list)
    note: str = ""
    hidden: bool = False  # used by a target, shown there, not in the table

    def add(self, v):
        if v is not None:
            self.values.append(float(v))

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def fmt(self, v):
        if v is None:
            return "n/a"
        return f"{v:,.{self.digits}f}"


class Figures:
    """The figures of one invocation, in the order they were declared."""

    def __init__(self):
        self._by_key = {}

    def declare(self, key, label, unit, digits=0, note=""):
        if key not in self._by_key:
            self._by_key[key] = Figure(key, label, unit, digits, note=note)
        return self._by_key[key]

    def get(self, key):
        return self._by_key.get(key)

    def median(self, key):
        f = self._by_key.get(key)
        return f.median if f else None

    def __iter__(self):
        return iter(self._by_key.values())


@dataclass(frozen=True)
class Target:
    """`key`'s median must be `op` ("<" or ">=") `bound`. `issue` names where the target comes from."""
    issue: str
    text: str
    key: str
    op: str
    bound: float

    def verdict(self, figures):
        v = figures.median(self.key)
        if v is None:
            return "not measured", None
        ok = v < self.bound if self.op == "<" else v >= self.bound
        return ("met" if ok else "missed"), v


TARGETS = [
    Target("2", "in-process check < 300 ns, cpu time (10k users/1k pools/1k groups/100 grants)",
           "inproc.check.small", "<", 300),
    Target("2", "HTTP GET check >= 40,000 req/s (p99 reported)", "http.get.rps", ">=", 40000),
    Target("6", "single check >= 0.7 x nginx", "http.get.vs_nginx", ">=", 0.7),
    Target("6", "p99 < 1 ms at half load", "http.half.p99_ms", "<", 1.0),
    Target("6", "single check >= 1 x SQL alternative", "ratio.get_vs_sql", ">=", 1.0),
    Target("6", "batch >= 10 x SQL alternative", "ratio.batch_vs_sql", ">=", 10.0),
    Target("6", "in-process check < 200 ns, cpu time, at 100k/10k/10k/100k", "inproc.check.large", "<", 200),
    Target("6", "applying one change < 1 ms (at 100k/10k/10k/100k)", "inproc.change", "<", 1.0),
    Target("6", "start-up < 2 s with 1M grants (100k active)", "startup.seconds", "<", 2.0),
    Target("6", "RSS < 300 MB with 1M grants (100k active)", "startup.rss_mb", "<", 300),
    Target("6", ">= 1,000 durable grants/s, 16 clients, SQLite", "writes.sqlite.16", ">=", 1000),
]
