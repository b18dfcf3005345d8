#!/usr/bin/env python3
"""Measures bench/heartbeats: runs wrk (heartbeat.lua) against a started engine, warm-up then
repeated runs of heartbeats and of the baseline, samples the engine's (and its PostgreSQL's) CPU
and resident memory, and writes bench/results/heartbeats.json and .md. Started by bench/heartbeats/run."""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from figures import append_md, figure  # noqa: E402  (bench/figures.py)

TICK = os.sysconf("SC_CLK_TCK")


def say(text):
    print("\033[1mbench:\033[0m " + text, file=sys.stderr, flush=True)


def proc_cpu(pid, children=False):
    """utime + stime (+ those of waited-for children) of a process, in seconds; 0 when gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        if children:
            ticks += int(fields[13]) + int(fields[14])
        return ticks / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def tree(pid):
    """pid and every descendant (by ppid)."""
    kids = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pg_cpu(postmaster):
    if not postmaster:
        return 0.0
    return sum(proc_cpu(p, children=(p == postmaster)) for p in tree(postmaster))


def machine_cpu():
    """busy and total CPU seconds of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / TICK, total / TICK


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def hwm_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_wrk(args, mode, seconds):
    """One wrk run; returns its RESULT plus CPU of engine, PostgreSQL, wrk, others; RSS max."""
    cmd = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout",
           "5s", "-s", args.script, args.url, "--", args.devices, mode, args.application]
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            samples.append(rss_mib(args.engine_pid))

    engine0, pg0 = proc_cpu(args.engine_pid), pg_cpu(args.postmaster)
    busy0, total0 = machine_cpu()
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - started
    stop.set()
    sampler.join()
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    engine = proc_cpu(args.engine_pid) - engine0
    pg = pg_cpu(args.postmaster) - pg0
    busy1, total1 = machine_cpu()
    wrk_cpu = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
    result = None
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    if out.returncode != 0 or result is None:
        say("wrk failed: " + out.stdout[-2000:] + out.stderr[-2000:])
        sys.exit(1)
    secs = result["durationUs"] / 1e6
    errors = (result["connectErrors"] + result["readErrors"] + result["writeErrors"]
              + result["non2xx"] + result["timeouts"])
    machine_busy = busy1 - busy0
    return {
        "mode": mode,
        "seconds": round(secs, 2),
        "requests": result["requests"],
        "perSecond": round(result["requests"] / secs),
        "p50Ms": result["p50Us"] / 1000,
        "p90Ms": result["p90Us"] / 1000,
        "p99Ms": result["p99Us"] / 1000,
        "p999Ms": result["p999Us"] / 1000,
        "maxMs": result["maxUs"] / 1000,
        "errors": errors,
        "errorDetail": {k: result[k] for k in
                        ("connectErrors", "readErrors", "writeErrors", "non2xx", "timeouts")},
        "engineCpuCores": round(engine / wall, 2),
        "postgresCpuCores": round(pg / wall, 2),
        "wrkCpuCores": round(wrk_cpu / wall, 2),
        "otherCpuCores": round(max(0.0, machine_busy - engine - pg - wrk_cpu) / wall, 2),
        "engineCpuUsPerRequest": round(engine * 1e6 / max(1, result["requests"]), 1),
        "engineRssMaxMiB": round(max(samples) if samples else rss_mib(args.engine_pid)),
    }


def summary(runs, key):
    values = [r[key] for r in runs]
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "devices", "script", "application", "results", "wrk", "commit", "java",
                 "note"):
        p.add_argument("--" + name, default="")
    for name in ("engine-pid", "postmaster", "threads", "connections", "warmup", "duration",
                 "runs", "device-count"):
        p.add_argument("--" + name, type=int, default=0)
    args = p.parse_args()

    load_start = open("/proc/loadavg").read().strip()
    say(f"warm-up: {args.warmup} s of heartbeats")
    warm = run_wrk(args, "heartbeat", args.warmup)
    say(f"  warm-up: {warm['perSecond']}/s, p99 {warm['p99Ms']} ms, {warm['errors']} errors")
    base_warmup = min(15, args.warmup)
    say(f"warm-up: {base_warmup} s of the baseline")
    run_wrk(args, "baseline", base_warmup)
    runs = {"heartbeat": [], "baseline": []}
    for i in range(1, args.runs + 1):
        for mode in ("heartbeat", "baseline"):
            time.sleep(3)
            r = run_wrk(args, mode, args.duration)
            runs[mode].append(r)
            say(f"run {i} {mode}: {r['perSecond']}/s, p50 {r['p50Ms']} ms, p99 {r['p99Ms']} ms,"
                f" {r['errors']} errors, engine {r['engineCpuCores']} cores,"
                f" PostgreSQL {r['postgresCpuCores']}, wrk {r['wrkCpuCores']},"
                f" other {r['otherCpuCores']}, RSS {r['engineRssMaxMiB']} MiB")
    load_end = open("/proc/loadavg").read().strip()
    keys = ("perSecond", "p50Ms", "p99Ms", "errors", "engineCpuCores", "postgresCpuCores",
            "wrkCpuCores", "otherCpuCores", "engineCpuUsPerRequest", "engineRssMaxMiB")
    agg = {mode: {k: summary(rs, k) for k in keys} for mode, rs in runs.items()}
    hb, base = agg["heartbeat"], agg["baseline"]
    ratio = hb["perSecond"]["median"] / base["perSecond"]["median"]
    met = (hb["perSecond"]["median"] >= 20000 and hb["p99Ms"]["median"] < 50
           and hb["errors"]["max"] == 0)
    doc = {
        "date": datetime.now(timezone.utc).isoformat(),
        "machine": f"{os.cpu_count()} CPUs, JDK {args.java}",
        "loadAverageAtStart": load_start,
        "loadAverageAtEnd": load_end,
        "engineCommit": args.commit,
        "note": args.note,
        "devices": args.device_count,
        "wrk": {"threads": args.threads, "connections": args.connections,
                "warmupSeconds": args.warmup, "runSeconds": args.duration, "runs": args.runs},
        "target": "heartbeats >= 20000/s with p99 < 50 ms and no errors",
        "targetMet": met,
        "heartbeatToBaselineRatio": round(ratio, 2),
        "engineRssHwmMiB": round(hwm_mib(args.engine_pid)),
        "warmup": warm,
        "summary": agg,
        "runs": runs,
    }
    hb_runs, base_runs = runs["heartbeat"], runs["baseline"]
    base_name = "GET /actuator/health/liveness, same connections"
    rate = figure(f"heartbeats: {args.device_count:,} devices, requests/s", "requests/s",
                  [r["perSecond"] for r in hb_runs], True,
                  (base_name, [r["perSecond"] for r in base_runs]), ">= 20,000/s",
                  hb["perSecond"]["median"] >= 20000)
    p50 = figure("heartbeats: p50 latency", "ms", [r["p50Ms"] for r in hb_runs], False,
                 (base_name, [r["p50Ms"] for r in base_runs]))
    p99 = figure("heartbeats: p99 latency", "ms", [r["p99Ms"] for r in hb_runs], False,
                 (base_name, [r["p99Ms"] for r in base_runs]), "< 50 ms",
                 hb["p99Ms"]["median"] < 50)
    errors = figure("heartbeats: errors per run", "requests", [r["errors"] for r in hb_runs],
                    False, (base_name, [r["errors"] for r in base_runs]), "0",
                    hb["errors"]["max"] == 0)
    cpu = figure("heartbeats: engine CPU per request", "us", [r["engineCpuUsPerRequest"]
                 for r in hb_runs], False, (base_name, [r["engineCpuUsPerRequest"]
                                                        for r in base_runs]))
    doc["figures"] = [rate, p50, p99, errors, cpu]
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "heartbeats.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    def cell(mode, key, digits=0):
        s = agg[mode][key]
        fmt = (lambda v: f"{v:,.{digits}f}")
        return f"{fmt(s['median'])} ({fmt(s['min'])}-{fmt(s['max'])})"

    lines = [
        "# Heartbeat benchmark",
        "",
        f"- date: {doc['date']}",
        f"- machine: {doc['machine']}; load average at start {load_start}, at end {load_end}",
        f"- engine commit {args.commit}, embedded PostgreSQL and S3, default JVM options",
        f"- {args.device_count:,} devices, each heartbeat with its own Bearer token;"
        f" wrk -t{args.threads} -c{args.connections} on the same machine;"
        f" warm-up {args.warmup} s, then {args.runs} x {args.duration} s of each side, alternating",
        f"- {args.note}" if args.note else "",
        "",
        "Median (min-max) over the runs:",
        "",
        "| | requests/s | p50 ms | p99 ms | errors | engine CPU cores | engine CPU us/request |"
        " PostgreSQL CPU cores | wrk CPU cores | other CPU cores | engine RSS max MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, title in (("heartbeat", "heartbeats (POST live/state)"),
                        ("baseline", "baseline (GET /actuator/health/liveness)")):
        lines.append(
            f"| {title} | {cell(mode, 'perSecond')} | {cell(mode, 'p50Ms', 2)} |"
            f" {cell(mode, 'p99Ms', 1)} | {cell(mode, 'errors')} | {cell(mode, 'engineCpuCores', 2)}"
            f" | {cell(mode, 'engineCpuUsPerRequest', 0)} | {cell(mode, 'postgresCpuCores', 2)} |"
            f" {cell(mode, 'wrkCpuCores', 2)} | {cell(mode, 'otherCpuCores', 2)} |"
            f" {cell(mode, 'engineRssMaxMiB')} |")
    lines += [
        "",
        f"Heartbeats / baseline: {ratio:.2f}. Engine peak RSS (VmHWM) over the whole run:"
        f" {doc['engineRssHwmMiB']} MiB.",
        f"Target (>= 20,000/s, p99 < 50 ms, no errors): {'met' if met else 'missed'}.",
        "",
    ]
    with open(os.path.join(args.results, "heartbeats.md"), "w") as f:
        f.write("\n".join(line for line in lines if line is not None) + "\n")
    append_md(os.path.join(args.results, "heartbeats.md"), doc["figures"])
    print("\n".join(lines))


if __name__ == "__main__":
    main()
