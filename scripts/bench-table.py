#!/usr/bin/env python3
"""Turns the benchmark plugin's text output (and scripts/bench-http2.sh's results) into one table.

Usage: bench-table.py BENCHMARK_OUTPUT [HTTP2_RESULTS]

Every figure is the median (p50) of the samples. Per-RPC and per-message rows are already divided
by the benchmark's inner loop (the plugin's scaled output, marked `*`).
"""
import re
import sys


SCALES = {"K": 1e3, "M": 1e6, "G": 1e9}
TIME_UNITS = {"ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def parse(path):
    """{benchmark name: {metric: (p0, p50)}} from the plugin's text tables, times in ns."""
    results, name = {}, None
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw.rstrip("\n"))
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 9 and name and cells[1] and cells[1] != "Metric":
            metric = cells[1]
            factor = 1.0
            # "Time (wall clock) (μs) *": the unit; "(K)"/"(M)": the plugin's magnitude suffix.
            for token in re.findall(r"\(([^()]*)\)", metric):
                if token in TIME_UNITS:
                    factor *= TIME_UNITS[token]
                elif token in SCALES:
                    factor *= SCALES[token]
            try:
                p0, p50 = float(cells[2]) * factor, float(cells[4]) * factor
            except ValueError:
                continue
            results.setdefault(name, {})[metric] = (p0, p50)
        elif line and not line.startswith(("╒", "╞", "├", "╘", "│", "=", " ")) and "│" not in line:
            name = line.strip()
    return results


def metric(results, name, prefix, best=False):
    """The p50 (or, with `best`, the p0) of a benchmark's metric."""
    for key, value in results.get(name, {}).items():
        if key.startswith(prefix):
            return value[0] if best else value[1]
    return None


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def main():
    results = parse(sys.argv[1])
    http2 = {}
    if len(sys.argv) > 2:
        for line in open(sys.argv[2]):
            key, _, value = line.rstrip("\n").partition("\t")
            http2[key] = value
    python = {}  # name -> (best, median) ns per op, from interop/py_grpc_prometheus_direct.py bench
    if len(sys.argv) > 3:
        for line in open(sys.argv[3]):
            name, best, median = line.rstrip("\n").split("\t")
            python[name] = (float(best), float(median))

    rows = []

    def row(section, label, name, base=None, target=None, check=None, unit="ns", scale=1.0):
        time = metric(results, name, "Time (wall clock)")
        best = metric(results, name, "Time (wall clock)", best=True)
        allocs = metric(results, name, "Malloc (total)")
        own = own_best = own_allocs = None
        if base is not None and time is not None:
            base_time = metric(results, base, "Time (wall clock)")
            base_best = metric(results, base, "Time (wall clock)", best=True)
            base_allocs = metric(results, base, "Malloc (total)")
            if base_time is not None:
                own, own_best = time - base_time, best - base_best
            if base_allocs is not None and allocs is not None:
                own_allocs = allocs - base_allocs
        verdict = ""
        if check is not None:
            verdict = "n/a" if time is None else "met" if check(own, own_allocs, time) else "MISSED"

        def show(value):
            digits = 2 if unit == "ms" else 0
            return "n/a" if value is None else fmt(value / scale, digits) + f" {unit}"

        rows.append(
            (section, label, show(best), show(time), fmt(allocs),
             "" if own is None else show(own_best), "" if own is None else show(own),
             "" if own_allocs is None else fmt(own_allocs), target or "", verdict)
        )

    def note(section, label, value, target="", verdict=""):
        rows.append((section, label, "", value, "", "", "", "", target, verdict))

    per_rpc_target = lambda own, _a, _t: own is not None and own <= 300
    for side in ("server", "client"):
        title = f"{side.capitalize()} interceptor, per unary RPC"
        base = f"{side} unary: baseline"
        row(title, "baseline (no interceptor)", base)
        refs = (["pass-through", "cancellation-handler", "wrapped-writer", "wrapped-messages"]
                if side == "server" else ["pass-through"])
        for ref in refs:
            row(title, f"reference: {ref} (records nothing)", f"{side} unary: reference {ref}", base)
        row(title, "counters (go defaults)", f"{side} unary: counters", base)
        row(title, "with handling-time histogram", f"{side} unary: histogram", base,
            "≤ 300 ns", per_rpc_target)
        label = ("all: + API-server families" if side == "server"
                 else "all: + msg histograms, runner families")
        row(title, label, f"{side} unary: all", base)
        row(title, "error path: baseline", f"{side} unary error: baseline")
        row(title, "error path: histogram", f"{side} unary error: histogram",
            f"{side} unary error: baseline")

    per_message = lambda own, own_allocs, _t: (
        own is not None and own <= 50 and own_allocs is not None and own_allocs < 0.5)
    for direction in ("server receive", "server send", "client send", "client receive"):
        title = f"Per streamed message: {direction}"
        base = f"{direction} per message: baseline"
        row(title, "baseline (no interceptor)", base)
        row(title, "counters", f"{direction} per message: counters", base,
            "≤ 50 ns, 0 allocs", per_message)
        row(title, "all families", f"{direction} per message: all", base,
            "≤ 50 ns, 0 allocs", per_message)

    title = "In-process transport, unary Echo RPC end to end"
    base = "in-process unary: baseline"
    row(title, "no interceptors", base, unit="μs", scale=1e3)
    for setup in ("pass-through", "counters", "all"):
        name = f"in-process unary: {setup}"
        label = ("reference: pass-through interceptors (record nothing)" if setup == "pass-through"
                 else f"server + client interceptors, {setup}")
        row(title, label, name, base, unit="μs", scale=1e3)
        t, b = metric(results, name, "Time (wall clock)"), metric(results, base, "Time (wall clock)")
        if t and b:
            note(title, f"  throughput with / without ({setup})", f"{100 * b / t:.1f} %")

    title = "Scrape"
    for name in sorted(results):
        if name.startswith("emit "):
            row(title, name, name, None, "≤ 5 ms", lambda _o, _a, t: t is not None and t <= 5e6,
                unit="ms", scale=1e6)
    records = [name for name in sorted(results) if name.startswith("record on ")]
    for name in records:
        idle = name.split(": ")[0] + ": idle"
        row(title, name.replace("record", "record (2 counters + histogram)"), name,
            None if name == idle else idle)
    for name in records:
        slow = metric(results, name, "slowest 100 records")
        if slow is not None:
            note(title, f"  slowest batch of 100 records ({name[len('record on '):]})",
                 fmt(slow / 1e3) + " μs")

    if http2:
        title = "HTTP/2 on 127.0.0.1, demo load vs serve (every server family on)"
        ratio = float(http2["http2.ratio"])
        note(title, "serve --no-metrics (median of runs)", http2["http2.without"] + " rpc/s")
        note(title, "serve, every family on (median of runs)", http2["http2.with"] + " rpc/s")
        note(title, "  throughput with / without", f"{ratio:.1f} %", "≥ 97 %",
             "met" if ratio >= 97 else "MISSED")
        note(title, "  runs with metrics", http2["http2.runs_with"])
        note(title, "  runs without", http2["http2.runs_without"])

    if python:
        title = "py-grpc-prometheus 0.8.0, same machine (CPython, interceptor called directly)"
        for name in python:
            best, median = python[name]
            own_best = own_median = ""
            if not name.endswith(": baseline"):
                base = python.get(name.rsplit(": ", 1)[0] + ": baseline")
                if base:
                    own_best, own_median = fmt(best - base[0]) + " ns", fmt(median - base[1]) + " ns"
            rows.append((title, name, fmt(best) + " ns", fmt(median) + " ns", "n/a", own_best,
                         own_median, "", "", ""))

    header = ("Benchmark", "best (p0)", "median (p50)", "allocs", "own: best", "own: median",
              "own allocs", "target", "")
    widths = [max(len(header[i]), *(len(r[i + 1]) for r in rows)) for i in range(len(header))]
    section = None
    for r in rows:
        if r[0] != section:
            section = r[0]
            print(f"\n{section}")
            print("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)))
        cells = r[1:]
        print("  " + "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))


if __name__ == "__main__":
    main()
