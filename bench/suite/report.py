"""The suite's output: the console table, the markdown figures block, and its place in the docs."""

import os
import platform
import subprocess
import time

from figures import TARGETS

BEGIN = "<!-- BEGIN bench/run.sh figures: this block is rewritten by `make bench` -->"
END = "<!-- END bench/run.sh figures -->"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    """What the figures were taken on, and the load at the start (the machine is shared)."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gb = int(f.readline().split()[1]) / 1024 / 1024
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src"],
                           capture_output=True, text=True).stdout.strip()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(),
            "cpu": cpu, "mem_gb": f"{mem_gb:.0f}", "kernel": platform.release(),
            "commit": commit + (" (src/ had uncommitted changes)" if dirty else ""),
            "load_start": loadavg()}


def _rows(figs):
    for f in figs:
        if not f.values or f.hidden:
            continue
        yield (f.label, f.fmt(f.median), f.fmt(min(f.values)), f.fmt(max(f.values)), f.unit,
               str(len(f.values)))


def console_table(figs):
    head = ("measure", "median", "min", "max", "unit", "runs")
    rows = [head] + list(_rows(figs))
    w = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)))
        if k == 0:
            lines.append("-" * len(lines[0]))
    lines.append("")
    lines.append("targets:")
    for t in TARGETS:
        verdict, v = t.verdict(figs)
        lines.append(f"  [{verdict:>12}] issue {t.issue}: {t.text}" +
                     (f"  (median {v:,.3g})" if v is not None else ""))
    return "\n".join(lines)


def markdown(figs, notes, m, args):
    out = [BEGIN, "",
           f"Taken {m['date']} by `{args.command}` at commit {m['commit']}, in {m['elapsed_s'] / 60:.1f} min.",
           f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem_gb']} GB, Linux {m['kernel']}; "
           f"load average (1/5/15 min) {m['load_start']} at the start, {m['load_end']} at the end "
           "(the machine is shared with other builds: figures are noisy).",
           f"Each figure is the median of {args.runs} runs (min and max beside it); HTTP runs last "
           f"{args.duration} s, write runs {args.write_duration} s.", "",
           "| measure | median | min | max | unit | runs |", "|---|--:|--:|--:|---|--:|"]
    for r in _rows(figs):
        label = r[0].replace("  ", "&nbsp;&nbsp;", 1) if r[0].startswith("  ") else r[0]
        out.append("| " + " | ".join((label,) + r[1:]) + " |")
    out += ["", "| issue | target | median | verdict |", "|---|---|--:|---|"]
    for t in TARGETS:
        verdict, v = t.verdict(figs)
        f = figs.get(t.key)
        shown = f"{f.fmt(v)} {f.unit}" if f and v is not None else "n/a"
        if f and f.hidden:
            shown += f" ({f.label})"
        out.append(f"| {t.issue} | {t.text} | {shown} | **{verdict}** |")
    if notes:
        out += ["", "Notes from this run:"] + [f"- {n}" for n in notes]
    out += ["", END, ""]
    return "\n".join(out)


def update_doc(path, block):
    """Replaces the text between BEGIN and END in path (appends the block if the markers are absent)."""
    text = open(path).read() if os.path.exists(path) else ""
    b, e = text.find(BEGIN), text.find(END)
    if b >= 0 and e > b:
        text = text[:b] + block.rstrip("\n") + text[e + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(text)
