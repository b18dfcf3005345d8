#!/usr/bin/env python3
"""Writes bench/results/summary.json and summary.md for bench/run: the machine, each bench's
status and wall time, and one table of every bench's figures (bench/results/<name>.json,
"figures"; see bench/figures.py). Started by bench/run after every bench."""
import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import table  # noqa: E402


def meminfo_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    return None


def minutes(seconds):
    return f"{seconds // 60} min {seconds % 60:02d} s"


def main():
    p = argparse.ArgumentParser()
    for name in ("manifest", "results", "root", "selected", "started", "load-before", "load-after",
                 "commit", "jdk", "docker"):
        p.add_argument("--" + name, default="")
    p.add_argument("--quick", type=int, default=0)
    p.add_argument("--wall", type=int, default=0)
    args = p.parse_args()

    runs = {}
    with open(args.manifest) as f:
        for line in f:
            if line.strip():
                entry = json.loads(line)
                runs[entry["name"]] = entry
    benches, figures = [], []
    for name in args.selected.split():
        entry = runs.get(name, {"name": name, "status": "not run", "exitCode": None,
                                "wallSeconds": None, "args": ""})
        entry = dict(entry)
        notes = [entry["note"]] if entry.get("note") else []
        entry["results"] = None
        entry["figures"] = 0
        path = os.path.join(args.results, name + ".json")
        if entry["status"] in ("ok", "failed", "interrupted") and os.path.exists(path):
            # only results this invocation wrote (not an older file left in place)
            started = datetime.fromisoformat(args.started.replace("Z", "+00:00")).timestamp()
            if os.path.getmtime(path) >= started:
                entry["results"] = os.path.relpath(path, args.root or os.getcwd())
                try:
                    with open(path) as f:
                        doc = json.load(f)
                    found = doc.get("figures") or []
                    if not found:
                        notes.append("its results have no \"figures\"")
                    for fig in found:
                        figures.append(dict(fig, bench=name))
                    entry["figures"] = len(found)
                except (OSError, ValueError) as e:
                    notes.append(f"unreadable results: {e}")
        if notes:
            entry["note"] = "; ".join(notes)
        benches.append(entry)

    machine = {
        "cores": os.cpu_count(),
        "memoryGiB": meminfo_gib(),
        "kernel": platform.release(),
        "jdk": args.jdk,
        "docker": args.docker,
        "loadAverageBefore": args.load_before,
        "loadAverageAfter": args.load_after,
    }
    doc = {
        "date": args.started,
        "written": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": bool(args.quick),
        "commit": args.commit,
        "machine": machine,
        "wallSeconds": args.wall,
        "benches": benches,
        "figures": figures,
    }
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "summary.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    lines = [
        "# Benchmarks: summary" + (" (--quick: a smoke run, not for publishing)" if args.quick
                                   else ""),
        "",
        f"- {args.started}, `bench/run{' --quick' if args.quick else ''}`, commit {args.commit},"
        f" {minutes(args.wall)} in all",
        f"- machine: {machine['cores']} cores, {machine['memoryGiB']} GiB, kernel"
        f" {machine['kernel']}, JDK {args.jdk}, Docker {args.docker}",
        f"- load average before: {args.load_before}; after: {args.load_after}",
        "",
        "| bench | status | wall time | arguments | figures |",
        "|---|---|---:|---|---:|",
    ]
    for b in benches:
        wall = ("-" if b.get("wallSeconds") is None or b["status"] == "missing"
                else minutes(b["wallSeconds"]))
        status = b["status"] + (f" (exit {b['exitCode']})" if b["status"] == "failed" else "")
        if b["status"] == "missing":
            status = "MISSING: no bench/" + b["name"] + "/run"
        if b.get("note"):
            status += "; " + b["note"]
        lines.append(f"| {b['name']} | {status} | {wall} | `{b.get('args') or '(defaults)'}` |"
                     f" {b['figures']} |")
    lines += [
        "",
        "Each figure: median, min and max over the bench's repeated runs; the baseline's median,"
        " measured in the same invocation; ratio = median / baseline median (for times above 1"
        " means slower than the baseline, for rates below 1 means slower); target and whether the"
        " median meets it.",
        "",
        table(figures) if figures else "(no figures)",
        "",
    ]
    with open(os.path.join(args.results, "summary.md"), "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
