#!/usr/bin/env python3
"""The "figures" every bench writes into bench/results/<name>.json, which bench/run tabulates.

A figure is one measured quantity over repeated runs, with its baseline measured in the same
invocation when there is one:

    {"name": ..., "unit": ..., "median": .., "min": .., "max": .., "runs": [..],
     "higherIsBetter": true|false,
     "baseline": {"name": .., "unit": .., "median": .., "min": .., "max": .., "runs": [..]} | null,
     "ratio": median / baseline median | null, "target": "text" | null, "targetMet": bool | null}

Used as a module (heartbeats/measure.py imports figure()) and as a program that adds the figures to
a bench's results from what the bench wrote:

    python3 bench/figures.py provision|files|rollout bench/results/<name>.json

It also appends the figures table to the bench's .md next to the .json.
"""
import json
import os
import statistics
import sys


def _stats(runs):
    values = [v for v in runs if isinstance(v, (int, float))]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": list(runs)}
    return {"median": _round(statistics.median(values)), "min": _round(min(values)),
            "max": _round(max(values)), "runs": [_round(v) for v in runs]}


def _round(value):
    if not isinstance(value, float):
        return value
    return round(value, 3) if abs(value) < 100 else round(value, 1)


def figure(name, unit, runs, higher_is_better, baseline=None, target=None, target_met=None):
    """A figure from its runs; baseline is (name, runs) or None. ratio = median / baseline median
    (a time ratio above 1 and a rate ratio below 1 both mean "slower than the baseline")."""
    out = {"name": name, "unit": unit}
    out.update(_stats(runs))
    out["higherIsBetter"] = higher_is_better
    out["baseline"] = None
    out["ratio"] = None
    if baseline is not None:
        base_name, base_runs = baseline
        out["baseline"] = {"name": base_name, "unit": unit}
        out["baseline"].update(_stats(base_runs))
        b = out["baseline"]["median"]
        if out["median"] is not None and b:
            out["ratio"] = round(out["median"] / b, 3)
    out["target"] = target
    out["targetMet"] = target_met
    return out


def _num(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and abs(value) >= 100):
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(figures):
    """The Markdown table bench/run also prints: one row per figure."""
    lines = ["| figure | median | min | max | unit | baseline median | ratio | target | met |",
             "|---|---:|---:|---:|---|---:|---:|---|---|"]
    for f in figures:
        base = f.get("baseline") or {}
        met = f.get("targetMet")
        lines.append(
            f"| {f['name']} | {_num(f.get('median'))} | {_num(f.get('min'))} | {_num(f.get('max'))}"
            f" | {f.get('unit', '')} | {_num(base.get('median'))} | {_num(f.get('ratio'))}"
            f" | {f.get('target') or '-'} | {'-' if met is None else ('yes' if met else 'NO')} |")
    return "\n".join(lines)


def provision(doc):
    single = doc["singleInstance"]
    base = ("docker run -> editor (bare, same image and limits)", single["baselineEditorS"]["values"])
    editor = figure("provision: POST -> editor", "s", single["flowgateEditorS"]["values"], False,
                    base, "ratio <= 1.15", None)
    if editor["ratio"] is not None:
        editor["targetMet"] = editor["ratio"] <= 1.15
    figures = [
        editor,
        figure("provision: POST -> state running", "s", single["flowgateRunningS"]["values"],
               False, base),
        figure("provision: POST -> 202 answer", "s", single["flowgatePostAnswerS"]["values"],
               False),
        figure("provision: DELETE -> GET 404", "s", single["flowgateDeleteS"]["values"], False),
    ]
    burst = doc.get("concurrent")
    if burst and burst.get("count"):
        n = burst["count"]
        figures.append(figure(
            f"provision: {n} at once, POST -> editor (each instance of one burst)", "s",
            burst.get("flowgateEditorS") or [], False,
            (f"{n} bare docker runs at once -> editor", burst.get("baselineEditorS") or []),
            f"all {n} reach running with an editor", bool(burst.get("allSucceeded"))))
    return figures


def files(doc):
    phases = doc["phases"]

    def runs(kind, key="mibPerSecond"):
        return [p["transfer"][key] for p in phases if p.get("kind") == kind]

    size = doc["fileBytes"] / 1048576
    label = f"{size / 1024:g} GiB" if size >= 1024 else f"{size:g} MiB"
    up_base = ("same bytes to a minimal HTTP file server (JDK HttpServer, SHA-256, to a file)",
               runs("baseline-upload"))
    down_base = ("same bytes from a minimal HTTP file server (file, Content-Length)",
                 runs("baseline-download"))
    heap = doc.get("engineHeapMax", "")
    idle_rss = [p["maxRssMiB"] for p in phases if p.get("kind") == "idle"]
    transfer_rss = [p["maxRssMiB"] for p in phases
                    if p.get("kind") in ("upload", "upload-chunked", "download")]
    return [
        figure(f"files: upload {label}, Content-Length", "MiB/s", runs("upload"), True, up_base),
        figure(f"files: upload {label}, chunked", "MiB/s", runs("upload-chunked"), True, up_base),
        figure(f"files: download {label}", "MiB/s", runs("download"), True, down_base),
        figure(f"files: engine RSS max per transfer ({heap})", "MiB", transfer_rss, False,
               ("engine idle", idle_rss), "every SHA-256 matches, no OutOfMemoryError",
               bool(doc.get("allSha256Match"))),
    ]


def rollout(doc):
    rollouts = doc.get("rollouts", [])
    direct = doc.get("direct", [])

    def one(key, wave_key=None):
        out = []
        for r in rollouts:
            if not r["name"].startswith("one wave"):
                continue
            out.append(r["waveResults"][0].get(wave_key) if wave_key else r.get(key))
        return out

    n = doc["devices"]
    direct_rate = ("same snapshot set directly on the devices (no process), until all run it",
                   [d.get("devicesPerMinute") for d in direct])
    direct_time = ("same snapshot set directly, until all agents run it",
                   [d.get("requestToAllAgentsHaveSnapshotSeconds") for d in direct])
    direct_p99 = ("heartbeat p99 while the snapshot is set directly",
                  [d.get("heartbeatP99Ms") for d in direct])
    rate = figure(f"rollout: one wave of {n:,} devices, devices/min (start to judged)", "devices/min",
                  one(None, "devicesPerMinute"), True, direct_rate if direct else None,
                  # judged within 15 s: 40,000/min for 10,000 devices, the size the target is for
                  ">= 40,000/min" if n >= 10000 else None)
    judged = figure("rollout: one wave, start to judged", "s", one(None, "startToJudgedSeconds"),
                    False, None, "<= 15 s")
    have = figure("rollout: one wave, request to all agents on the snapshot", "s",
                  one("requestToAllAgentsHaveSnapshotSeconds"), False,
                  direct_time if direct else None)
    p99 = figure("rollout: heartbeat p99 during a one-wave rollout", "ms", one("heartbeatP99Ms"),
                 False, direct_p99 if direct else None, "< 50 ms")
    three = figure("rollout: three waves (1/10/100 %), request to finished", "s",
                   [r.get("requestToFinishedSeconds") for r in rollouts
                    if r["name"].startswith("three waves")], False)
    for f, ok in ((rate, lambda v: v >= 40000), (judged, lambda v: v <= 15),
                  (p99, lambda v: v < 50)):
        if f["target"] is not None and f["median"] is not None:
            f["targetMet"] = ok(f["median"])
    completed = all(r.get("state") == "completed" for r in rollouts)
    three["target"] = "every rollout completed, no agent stopped"
    three["targetMet"] = completed and doc.get("agentsStopped", 0) == 0
    return [rate, judged, have, p99, three]


def add(bench, path):
    with open(path) as f:
        doc = json.load(f)
    doc["figures"] = {"provision": provision, "files": files, "rollout": rollout}[bench](doc)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    append_md(os.path.splitext(path)[0] + ".md", doc["figures"])
    print(table(doc["figures"]))


def append_md(md_path, figures):
    """Adds (or replaces) the "## Figures" section at the end of a bench's .md."""
    text = ""
    if os.path.exists(md_path):
        with open(md_path) as f:
            text = f.read()
    marker = "\n## Figures\n"
    if marker in text:
        text = text[:text.index(marker)]
    text = text.rstrip("\n") + "\n" + marker + "\n" + (
        "Median, min and max over the runs; ratio = median / baseline median (measured in the same"
        " invocation).\n\n") + table(figures) + "\n"
    with open(md_path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("provision", "files", "rollout"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    add(sys.argv[1], sys.argv[2])
