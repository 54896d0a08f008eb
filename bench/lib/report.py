#!/usr/bin/env python3
"""Collects the parts bench/run measured into bench/results.md (a table per area, with the peers' numbers from
the same run and the ratio) and bench/results.json (the same figures, machine-readable).

Usage: report.py PARTS_DIR COMMAND OUT.md OUT.json
"""
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys


def load_json(path):
    with open(path) as f:
        return json.load(f)


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def hyperfine(path):
    out = {}
    for r in load_json(path)["results"]:
        out[r["command"]] = {"median": r["median"], "runs": len(r["times"]), "min": r["min"], "max": r["max"]}
    return out


def pooled(times_by_name):
    """One median (and spread) per name over the runs of every round."""
    return {name: {"median": statistics.median(ts), "runs": len(ts), "min": min(ts), "max": max(ts)}
            for name, ts in times_by_name.items()}


def hyperfine_rounds(paths):
    times = {}
    for path in paths:
        for r in load_json(path)["results"]:
            times.setdefault(r["command"], []).extend(r["times"])
    return pooled(times)


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "memoryGiB": round(mem_kb / 1024 / 1024, 1), "java": java,
            "kernel": platform.release()}


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def fmt(x, unit="s"):
    if x is None:
        return "—"
    return f"{x:.3f} {unit}" if unit == "s" else f"{x} {unit}"


def calls_note(calls):
    """The Vertex AI calls of one run, as the emulator counted them: registry lookups, writes, then each call."""
    bare = {k.rsplit(".", 1)[-1]: n for k, n in calls.items()}  # ModelService/ListModelVersions
    lookups = sum(n for k, n in bare.items() if k.startswith("ModelService/") and k.split("/")[1].startswith(("Get", "List")))
    writes = sum(n for k, n in bare.items()
                 if (k.split(" ")[0] != "GET" and not k.endswith(":predict") if " " in k  # REST: verb and path
                     else not k.split("/")[-1].startswith(("Get", "List", "Predict"))))
    each = ", ".join(f"{k} {n}" for k, n in sorted(bare.items()))
    return f"registry lookups: {lookups}, writes: {writes} ({each or 'no calls counted'})"


def main():
    parts, command, out_md, out_json = sys.argv[1:5]
    p = lambda name: os.path.join(parts, name)
    rows = []  # case, mlship median, peer, peer median, runs, note

    startup = hyperfine_rounds(sorted(glob.glob(p("startup-*.json"))))
    rows.append(("start-up: validate (no remote call)", startup["mlship validate"], "gcloud version",
                 startup["gcloud version (peer)"], "target ≤ 0.5 s"))
    rows.append(("start-up: render (no remote call)", startup["mlship render"], "kubectl version --client",
                 startup["kubectl version --client (peer)"], ""))

    fc_times = {}
    for r in load_jsonl(p("first-call.jsonl")):
        fc_times.setdefault(r["label"], []).extend(r["runs"])
    fc = pooled(fc_times)
    rows.append(("start-up to first remote call: deploy", fc["mlship deploy"], "kubectl get deployments",
                 fc["kubectl get deployments (peer)"], "target ≤ 0.8 s"))
    rows.append(("start-up to first remote call: promote", fc["mlship promote"], "gcloud ai models list",
                 fc["gcloud ai models list (peer)"], "target ≤ 0.8 s"))
    rows.append(("start-up to first remote call: smoke", fc["mlship smoke"], "curl", fc["curl (peer)"], "target ≤ 0.8 s"))
    rows.append(("start-up to first remote call: build (base image from a registry)", fc["mlship build"],
                 "skopeo inspect", fc["skopeo inspect (peer)"], "target ≤ 0.8 s"))
    rows.append(("start-up to first remote call: release (service only, its Lease)", fc["mlship release"],
                 "kubectl get deployments", fc["kubectl get deployments (peer)"], "target ≤ 0.8 s"))

    promote = hyperfine(p("promote.json"))
    reused = load_json(p("promote-reused.json"))
    rows.append(("promote an already promoted artifact (whole command)", promote["mlship promote (already promoted)"],
                 "gcloud ai models list", promote["gcloud ai models list (peer)"],
                 f"reused: {reused['reused']}, version {reused['modelVersionId']}, {calls_note(reused.get('calls', {}))}"))

    build = load_json(p("build.json"))
    steps = {s["label"]: s for s in build["steps"]}
    for kind in ("cold", "no change", "one-file change"):
        m, b = steps[f"jib {kind}"], steps[f"buildah {kind}"]
        rows.append((f"image build + push: {kind}", {"median": m["median"], "runs": len(m["runs"])}, f"buildah {kind}",
                     {"median": b["median"], "runs": len(b["runs"])}, f"uploaded {m['bytesUploaded']} vs {b['bytesUploaded']} bytes"))

    # 7. Deploy from apply to the rollout noticed complete, against kubectl apply + kubectl rollout status.
    vs = hyperfine(p("deploy-vs-kubectl.json"))
    vs_detail = load_json(p("deploy-vs-kubectl-detail.json"))
    med = lambda xs: sorted(xs)[len(xs) // 2] if xs else None
    rows.append(("deploy: apply to rollout noticed complete", vs["mlship deploy"], "kubectl apply + rollout status",
                 vs["kubectl apply + rollout status (peer)"],
                 f"whole commands, a new digest (a real rollout) each run; inside mlship: {med(vs_detail['mlshipDurationMs'])} ms "
                 f"command, {med(vs_detail['mlshipRolloutSeconds'])} s from its last write to the rollout noticed; it also waits for the "
                 f"Certificate and the Ingress; revisions rolled out: mlship {vs_detail['mlshipRevision']}, "
                 f"kubectl {vs_detail['peerRevision']}"))

    deploy = dict(line.split(": ", 1) for line in open(p("deploy.txt")).read().splitlines() if ": " in line)
    # JMH's JSON: throughput in operations per microsecond (all four threads); the latency group's sample time
    # holds each client's percentiles (µs) among its secondary metrics.
    jmh = {(r["benchmark"].rsplit(".", 1)[1], r["mode"]): r for r in load_json(p("gate.json"))}
    latency = jmh[("latency", "sample")]["secondaryMetrics"]
    pct = lambda name, q: round(latency[name + "Latency"]["scorePercentiles"][q] / 1000, 3)
    gate = [{"concurrency": 4, "gateReqPerS": round(jmh[("gate", "thrpt")]["primaryMetric"]["score"] * 1e6),
             "rawReqPerS": round(jmh[("raw", "thrpt")]["primaryMetric"]["score"] * 1e6),
             "gateP50Ms": pct("gate", "50.0"), "gateP99Ms": pct("gate", "99.0"),
             "rawP50Ms": pct("raw", "50.0"), "rawP99Ms": pct("raw", "99.0")}]
    for g in gate:
        g["addedP50Ms"] = round(g["gateP50Ms"] - g["rawP50Ms"], 3)
        g["addedP99Ms"] = round(g["gateP99Ms"] - g["rawP99Ms"], 3)
        g["target"] = ("met" if g["gateReqPerS"] >= 2000 and g["addedP99Ms"] < 1 else "not met")
    memory = load_jsonl(p("memory.jsonl"))
    load_before = open(p("load-before.txt")).read().strip()
    load_after = open(p("load-after.txt")).read().strip()
    m = machine()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")

    table = []
    for case, ml, peer, pm, note in rows:
        table.append({"case": case, "mlshipMedianS": ml["median"], "peer": peer, "peerMedianS": pm["median"],
                      "ratio": ratio(ml["median"], pm["median"]), "runs": ml["runs"], "note": note})
    doc = {"command": command, "date": when, "machine": m, "loadBefore": load_before, "loadAfter": load_after,
           "cases": table, "deployNoticed": deploy, "gate": gate, "memory": memory, "build": build}
    doc["deployVsKubectl"] = vs_detail
    with open(out_json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    md = []
    md.append("# mlship benchmarks\n")
    md.append(f"Produced by `{command}` on {when}. Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memoryGiB']} GiB, "
              f"{m['java']}, Linux {m['kernel']}. Load average (1, 5, 15 min) before: {load_before}; after: {load_after}.\n")
    md.append("Whole commands are timed with hyperfine after warm-up runs (mlship through `bin/mlship`, its class-data-"
              "sharing archive made by an untimed first run); \"start-up to first remote call\" is the time from starting "
              "the command until its first request reaches a loopback socket standing in for the service "
              "(`bench/lib/first_call.py`). Both kinds of start-up case run in rounds, two runs of each tool per round with "
              "the tools alternating, so a burst of noise on a shared machine falls on mlship and its peer alike; the "
              "median is over all rounds. Image builds use their own loop (`bench/build/run.sh`), since each run needs a "
              "prepare step and the registry's count of bytes received. Ratio = mlship / peer (below 1: mlship is faster).\n")
    md.append("| case | mlship median | peer | peer median | ratio | runs | note |")
    md.append("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    for t in table:
        md.append(f"| {t['case']} | {t['mlshipMedianS']:.3f} s | {t['peer']} | {t['peerMedianS']:.3f} s | "
                  f"{t['ratio']} | {t['runs']} | {t['note']} |")
    md.append("")
    md.append("## Deploy: a finished rollout noticed\n")
    md.append(f"From the API reporting the rollout complete to mlship noticing it (in-process API, {deploy.get('rollouts')} "
              f"rollouts): p50 {deploy.get('p50_ms')} ms, p99 {deploy.get('p99_ms')} ms, max {deploy.get('max_ms')} ms "
              f"(target ≤ 1000 ms: {deploy.get('verdict')}).\n")
    md.append("## Gate: throughput and the latency it adds\n")
    md.append("The gate's HTTP client against a no-op server on loopback, beside a raw keep-alive socket client (the "
              "peer: the least any HTTP/1.1 client can do), measured in-process with JMH (`bench/gate/run`, "
              "`GateOverheadBenchmark`). Throughput: each client alone, four threads. Latency: both clients at once, two "
              "threads each (four requests in flight), sampled over the same seconds, so a pause of the machine hits "
              "both alike; added = gate minus raw at the same percentile.\n")
    md.append("| requests in flight | gate req/s | raw req/s | gate p50 / p99 ms | raw p50 / p99 ms | added p50 / p99 ms | target (≥ 2,000 req/s, added p99 < 1 ms) |")
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for g in gate:
        md.append(f"| {g['concurrency']} | {g['gateReqPerS']} | {g['rawReqPerS']} | {g['gateP50Ms']} / {g['gateP99Ms']} | "
                  f"{g['rawP50Ms']} / {g['rawP99Ms']} | {g['addedP50Ms']} / {g['addedP99Ms']} | {g['target']} |")
    md.append("")
    md.append("## Memory: peak resident set of each command, heap limited to 512 MiB (`-Xmx512m`)\n")
    md.append("| command | peak RSS | exit |")
    md.append("| --- | ---: | ---: |")
    for r in memory:
        md.append(f"| {r['label']} | {r['peakRssKb'] / 1024:.0f} MiB | {r['exit']} |")
    md.append("")
    md.append("## Image build detail\n")
    md.append(f"One-file change: mlship uploaded {build['uploadRatio']}× the changed app layer ({build['appLayerBytes']} bytes "
              f"compressed; target ≤ 1.1×); buildah took {build['buildahOverMlship']}× as long (target ≥ 3×).\n")
    with open(out_md, "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
