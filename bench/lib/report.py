#!/usr/bin/env python3
"""The one result format of the benchmarks: each part's raw outputs become a result document, bench/run merges the
parts' documents into bench/results.json, and any document renders to Markdown.

Usage:
  report.py part PART RAW_DIR OUT.json --command CMD    a part's raw outputs (bench/work/PART/raw) to its document
  report.py merge OUT.json --command CMD PART.json...   the parts' documents in one (bench/results.json)
  report.py render IN.json OUT.md                       a document (a part's or the merged one) to Markdown

A document, for one part or merged (the same shape):
  {"command": "bench/run", "date": "2026-11-23T05:46Z",
   "machine": {"cpus", "cpu", "memoryGiB", "java", "kernel"}, "loadBefore": "1 5 15 min", "loadAfter": "…",
   "parts": {PART: {                           # in the order they ran
       "about": "how the cases were measured",  # one paragraph, above the cases table
       "cases": [{"case", "mlshipMedianS", "peer", "peerMedianS", "ratio", "runs", "note"}],  # mlship beside its peer
       "sections": [{"title", "text", "table": {"columns": [...], "align": "lrr…", "rows": [[...]]}}],  # table optional
       "figures": {...}}}}                      # the part's own figures, machine-readable (the sections show them)
"""
import argparse
import datetime
import glob
import json
import os
import platform
import statistics
import subprocess


def load_json(path):
    with open(path) as f:
        return json.load(f)


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def pooled(times_by_name):
    """One median (and spread) per name over the runs of every round."""
    return {name: {"median": statistics.median(ts), "runs": len(ts), "min": min(ts), "max": max(ts)}
            for name, ts in times_by_name.items()}


def hyperfine(paths):
    """hyperfine's JSON exports, the runs of each command pooled over the files (one file per round)."""
    times = {}
    for path in paths:
        for r in load_json(path)["results"]:
            times.setdefault(r["command"], []).extend(r["times"])
    return pooled(times)


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def case(name, mlship, peer, peer_stats, note=""):
    return {"case": name, "mlshipMedianS": mlship["median"], "peer": peer, "peerMedianS": peer_stats["median"],
            "ratio": ratio(mlship["median"], peer_stats["median"]), "runs": mlship["runs"], "note": note}


def section(title, text, columns=None, rows=None, align=None):
    s = {"title": title, "text": text}
    if columns:
        s["table"] = {"columns": columns, "align": align or "l" * len(columns), "rows": rows}
    return s


# --- the parts: raw outputs -> (about, cases, figures); figures -> sections -----------------------------------
# Sections are made from figures only, so a document converted from an older layout renders the same way.

def startup_part(raw):
    startup = hyperfine(sorted(glob.glob(os.path.join(raw, "startup-*.json"))))
    fc_times = {}
    for r in load_jsonl(os.path.join(raw, "first-call.jsonl")):
        fc_times.setdefault(r["label"], []).extend(r["runs"])
    fc = pooled(fc_times)
    cases = [
        case("start-up: validate (no remote call)", startup["mlship validate"], "gcloud version",
             startup["gcloud version (peer)"], "target ≤ 0.5 s"),
        case("start-up: render (no remote call)", startup["mlship render"], "kubectl version --client",
             startup["kubectl version --client (peer)"]),
        case("start-up to first remote call: deploy", fc["mlship deploy"], "kubectl get deployments",
             fc["kubectl get deployments (peer)"], "target ≤ 0.8 s"),
        case("start-up to first remote call: promote", fc["mlship promote"], "gcloud ai models list",
             fc["gcloud ai models list (peer)"], "target ≤ 0.8 s"),
        case("start-up to first remote call: smoke", fc["mlship smoke"], "curl", fc["curl (peer)"], "target ≤ 0.8 s"),
        case("start-up to first remote call: build (base image from a registry)", fc["mlship build"],
             "skopeo inspect", fc["skopeo inspect (peer)"], "target ≤ 0.8 s"),
        case("start-up to first remote call: release (service only, its Lease)", fc["mlship release"],
             "kubectl get deployments", fc["kubectl get deployments (peer)"], "target ≤ 0.8 s"),
    ]
    return cases, {"startup": startup, "firstCall": fc}


STARTUP_ABOUT = (
    "Whole commands are timed with hyperfine after warm-up runs (mlship through `bin/mlship`, its class-data-sharing "
    "archive made by an untimed first run); \"start-up to first remote call\" is the time from starting the command "
    "until its first request reaches a loopback socket standing in for the service (`bench/lib/first_call.py`). Both "
    "kinds of start-up case run in rounds, two runs of each tool per round with the tools alternating, so a burst of "
    "noise on a shared machine falls on mlship and its peer alike; the median is over all rounds.")


def calls_note(calls):
    """The Vertex AI calls of one run, as the emulator counted them: registry lookups, writes, then each call."""
    bare = {k.rsplit(".", 1)[-1]: n for k, n in calls.items()}  # ModelService/ListModelVersions
    lookups = sum(n for k, n in bare.items() if k.startswith("ModelService/") and k.split("/")[1].startswith(("Get", "List")))
    writes = sum(n for k, n in bare.items()
                 if (k.split(" ")[0] != "GET" and not k.endswith(":predict") if " " in k  # REST: verb and path
                     else not k.split("/")[-1].startswith(("Get", "List", "Predict"))))
    each = ", ".join(f"{k} {n}" for k, n in sorted(bare.items()))
    return f"registry lookups: {lookups}, writes: {writes} ({each or 'no calls counted'})"


def promote_part(raw):
    promote = hyperfine([os.path.join(raw, "promote.json")])
    reused = load_json(os.path.join(raw, "promote-reused.json"))
    cases = [case("promote an already promoted artifact (whole command)", promote["mlship promote (already promoted)"],
                  "gcloud ai models list", promote["gcloud ai models list (peer)"],
                  f"reused: {reused['reused']}, version {reused['modelVersionId']}, {calls_note(reused.get('calls', {}))}")]
    return cases, {"reused": reused}


PROMOTE_ABOUT = ("The promotion of an already promoted artifact is the whole command, timed with hyperfine on the "
                 "sandbox's Vertex AI emulator, which counts the calls of mlship's last timed run.")


def memory_part(raw):
    return [], {"memory": load_jsonl(os.path.join(raw, "memory.jsonl"))}


def memory_sections(f):
    return [section("Memory: peak resident set of each command, heap limited to 512 MiB (`-Xmx512m`)", "",
                    ["command", "peak RSS", "exit"],
                    [[r["label"], f"{r['peakRssKb'] / 1024:.0f} MiB", r["exit"]] for r in f["memory"]], "lrr")]


def number(text):
    """A figure of RolloutNoticeBench's report as a number when it is one."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def rollout_noticed(lines):
    return {k: number(v) for k, v in (line.split(": ", 1) for line in lines if ": " in line)}


def deploy_part(raw):
    vs = hyperfine([os.path.join(raw, "deploy-vs-kubectl.json")])
    detail = load_json(os.path.join(raw, "deploy-vs-kubectl-detail.json"))
    med = lambda xs: sorted(xs)[len(xs) // 2] if xs else None
    cases = [case("deploy: apply to rollout noticed complete", vs["mlship deploy"], "kubectl apply + rollout status",
                  vs["kubectl apply + rollout status (peer)"],
                  f"whole commands, a new digest (a real rollout) each run; inside mlship: {med(detail['mlshipDurationMs'])} ms "
                  f"command, {med(detail['mlshipRolloutSeconds'])} s from its last write to the rollout noticed; it also "
                  f"waits for the Certificate and the Ingress; revisions rolled out: mlship {detail['mlshipRevision']}, "
                  f"kubectl {detail['peerRevision']}")]
    with open(os.path.join(raw, "rollout-noticed.txt")) as f:
        noticed = rollout_noticed(f.read().splitlines())
    return cases, {"noticed": noticed, "vsKubectl": detail}


DEPLOY_ABOUT = ("Deploy from apply to the rollout noticed complete is timed with hyperfine on the sandbox, a new image "
                "digest (a real rollout, paced by the same rollout simulator) each run; the peer deploys into its own "
                "namespace.")


def deploy_sections(f):
    n = f["noticed"]
    return [section("Deploy: a finished rollout noticed",
                    f"From the API reporting the rollout complete to mlship noticing it (RolloutWatcher, informers, on the "
                    f"in-process API, {n.get('rollouts')} rollouts): p50 {n.get('p50_ms')} ms, p90 {n.get('p90_ms')} ms, "
                    f"p99 {n.get('p99_ms')} ms, max {n.get('max_ms')} ms (target ≤ {n.get('target_ms')} ms: "
                    f"{n.get('verdict')}). Java {n.get('java')}, measured {n.get('date')}.")]


def build_part(raw):
    build = load_json(os.path.join(raw, "build.json"))
    steps = {s["label"]: s for s in build["steps"]}
    cases = []
    kinds = (("cold", "cold"), ("no change, fresh agent", "no change, fresh agent (empty caches and storage)"),
             ("one dependency bumped", "one dependency bumped"), ("one-file change", "one app file changed"))
    for kind, title in kinds:
        m, b = steps[f"jib {kind}"], steps[f"buildah {kind}"]
        cases.append(case(f"image build + push: {title}", {"median": m["median"], "runs": len(m["runs"])},
                          f"buildah {kind}", {"median": b["median"]},
                          f"uploaded {m['bytesUploaded']} vs {b['bytesUploaded']} bytes"))
    return cases, build


BUILD_ABOUT = ("Image builds use their own loop (`bench/build/run`), since each run needs a prepare step and the "
               "registry's count of bytes received.")


def build_sections(b):
    if b.get("layout") != 2:
        return build_sections_v1(b)
    mb = lambda n: f"{n / 1e6:.0f} MB"
    steps = {s["label"]: s for s in b["steps"]}
    what = (f"The service: examples/reco-service plus {mb(b['depsBytes'])} of generated dependencies "
            "(`bench/build/make-deps.py`: large compiled libraries, part random and part repetitive, thousands of small "
            ".py modules, a large compressible data file, forty small packages), base scratch, the same content for both "
            "tools (mlship: `image.python.sitePackages`; buildah: a Containerfile copying the same folders). Each step is "
            "build + push to the same local registry (separate repositories); mlship runs through `bin/mlship` (JVM "
            "start included); buildah runs `bud --layers --isolation chroot --storage-driver vfs`, then `push`. "
            "Cold: empty caches, storage and repository. No change, fresh agent: after the cold push, each run on a "
            "fresh copy of the repository (new file times) with an empty cache (mlship: a new `--cache-dir`; buildah: a "
            "new `--root`). One dependency bumped (one package's compiled core rewritten, its dist-info renamed) and "
            "one app file changed: on the agent of the cold build, caches warm. Bytes uploaded are the sizes of the "
            "blobs whose upload the registry completed, read from its access log and storage. "
            f"Tools: {b['buildah']}; registry {b['registry']} on loopback. Steps other than cold run {b['repeat']} "
            f"times{small_runs(steps)}; the table gives the median and every run. Load average (1, 5, 15 min) before / after: {b['load']}. "
            f"Command: `{b['command']}`, {b['date']}.")
    fresh = steps["jib no change, fresh agent"]
    cold = steps["jib cold"]
    targets = (
        f"Targets. Fresh agent, no change ({mb(b['depsBytes'])} of dependencies in {b['depsLayers']} layers, "
        f"{mb(b['depsCompressedBytes'])} compressed): median {fresh['median']:.2f} s (target ≤ 2 s), dependency bytes "
        f"uploaded {b['freshAgentDependencyBytesUploaded']} (registry log, all runs). Cold: {cold['median']:.2f} s, "
        f"{b['coldOverBuildah']}× buildah's {steps['buildah cold']['median']:.2f} s (target ≤ 1×). One dependency bumped: "
        f"mlship uploaded {b['bumpUploadRatio']}× the bumped package's compressed layer ({b['bumpedLayerBytes']} bytes; "
        f"target ≤ 1.1×). One app file changed: uploaded {b['oneFileUploadRatio']}× the app layer "
        f"({b['appLayerBytes']} bytes); buildah took {b['buildahOverMlshipOneFile']}× as long (target ≥ 3×).")
    small_cold, small_fresh = steps["jib second repository cold (first push)"], steps["jib second repository fresh copy, empty cache"]
    colds = len(small_cold["runs"])
    pushes = ("a first push (cold," if colds == 1 else
              f"cold pushes, each into an empty repository, the first into the one the fresh copies use ({colds} runs, median")
    small = (f"{mb(b['smallDepsBytes'])} of dependencies, mlship alone, into a repository of its own: {pushes} "
             f"{small_cold['median']:.2f} s, {small_cold['bytesUploaded']} bytes uploaded), then a fresh copy of the "
             f"repository with an empty cache, {len(small_fresh['runs'])} times: median {small_fresh['median']:.2f} s, "
             f"{small_fresh['bytesUploaded']} bytes uploaded in all and {b['smallDependencyBytesUploaded']} dependency "
             f"bytes (registry log, all runs): {b['smallFreshOverCold'] * 100:.1f}% of the cold build's time "
             "(target < 15%).")
    plain = steps.get("jib second repository fresh copy, empty cache, no class-data archive")
    agent = steps.get("jib second repository fresh copy, empty cache, agent image's mlship, archive on the cache volume")
    if plain and agent:
        small += (f" Started without a class-data-sharing archive (the same JVM options), as the steps' jar mode or an "
                  f"agent pod without a cache volume starts it: median {plain['median']:.2f} s, "
                  f"{plain['bytesUploaded']} bytes uploaded, {b['smallFreshNoArchiveOverCold'] * 100:.1f}% of the cold "
                  f"build's time. The agent image's `mlship` (Jib's tar of the image, unpacked here), its archive on the "
                  f"cache volume: median {agent['median']:.2f} s, {agent['bytesUploaded']} bytes uploaded, "
                  f"{b['smallFreshAgentImageOverCold'] * 100:.1f}% of the cold build's time.")
    elif plain:
        small += (f" Started as a Jenkins agent pod starts it (the agent image's `mlship` or the steps' jar mode: the "
                  f"same JVM options, but no class-data-sharing archive): median {plain['median']:.2f} s, "
                  f"{plain['bytesUploaded']} bytes uploaded, {b['smallFreshNoArchiveOverCold'] * 100:.1f}% of the cold "
                  "build's time.")
    small += new_commit(steps.get("jib second repository new commit (one app file changed), fresh copy, empty cache"),
                        b.get("smallNewCommitDependencyBytesUploaded"), small_cold)
    req_cold = steps.get("jib requirements cold (first push, pip install from the index)")
    req_fresh = steps.get("jib requirements fresh copy, empty cache")
    if req_cold and req_fresh:
        small += ("\n\nThe same packages from requirements, the example's own way to give them "
                  "(`image.python.requirements`, every package pinned, `image.python.indexUrlEnv` naming a package "
                  f"index: {mb(b['indexWheelBytes'])} of wheels that a static file server on loopback serves). Cold "
                  f"pushes include pip's download and install, with pip's cache empty ({times(req_cold, 'run')}, "
                  f"median {req_cold['median']:.2f} s, {req_cold['bytesUploaded']} bytes uploaded); a fresh copy with "
                  f"an empty cache recognises the pushed image by its build key, which covers pip's inputs, and runs "
                  f"no pip, "
                  f"{times(req_fresh, 'time')}: median {req_fresh['median']:.2f} s, {req_fresh['bytesUploaded']} "
                  f"bytes uploaded in all and {b['requirementsDependencyBytesUploaded']} dependency bytes (registry "
                  f"log, all runs): {b['requirementsFreshOverCold'] * 100:.1f}% of the cold build's time (target < 15%). "
                  "A remote index makes the cold push slower and leaves the fresh copy as it is.")
        small += new_commit(steps.get("jib requirements new commit (one app file changed), fresh copy, empty cache"),
                            b.get("requirementsNewCommitDependencyBytesUploaded"), req_cold)
    rows = [[s["label"], f"{s['median']:.2f}", " ".join(f"{t:.2f}" for t in s["runs"]), s["bytesUploaded"]]
            for s in b["steps"]]
    return [section("Image build detail", what + "\n\n" + targets,
                    ["step", "median seconds", "runs", "bytes uploaded (median)"], rows, "lrlr"),
            section("Image build: a fresh copy with empty caches after a first push", small)]


def new_commit(step, dependency_bytes, cold):
    """The sentence on a new commit built on a fresh agent, where the results have that step."""
    if not step:
        return ""
    return (f" A new commit on a fresh agent (one app file changed, the dependencies not; an empty cache), "
            f"{times(step, 'time')}: median {step['median']:.2f} s, {step['bytesUploaded']} bytes uploaded (the app "
            f"layer and the image's config), {dependency_bytes} dependency bytes, "
            f"{step['median'] / cold['median'] * 100:.1f}% of the cold build's time.")


def times(step, noun):
    n = len(step["runs"])
    return f"{n} {noun}{'' if n == 1 else 's'}"


def small_runs(steps):
    """How often the 200 MB steps ran, where that differs from the others (results from before they did say nothing)."""
    fresh = steps.get("jib second repository fresh copy, empty cache")
    cold = steps.get("jib second repository cold (first push)")
    if not fresh or not cold or len(cold["runs"]) == 1:
        return ""
    return (f" (the 200 MB repository's cold push {len(cold['runs'])} times, its fresh copies "
            f"{len(fresh['runs'])} times)")


def build_sections_v1(b):
    what = []
    if "depMb" in b:
        what.append(f"The service: examples/reco-service plus a {b['depMb']} MB dependency folder of random "
                    "(incompressible) files, base scratch, the same content for both tools (deps layer, app layer, same "
                    "config). ")
    what.append("Each step is build + push to the same local registry (separate repositories); mlship runs through "
                "`bin/mlship` (JVM start included, class-data-sharing archive made by an untimed first run); buildah "
                "runs `bud --layers --isolation chroot --storage-driver vfs`, then `push`. Bytes uploaded are the sizes "
                "of the blobs whose upload the registry completed, read from its access log and storage.")
    if "buildah" in b:
        what.append(f" Tools: {b['buildah']}; registry {b['registry']} on loopback.")
    repeat = b.get("repeat") or len(next(s for s in b["steps"] if s["label"] == "jib no change")["runs"])
    what.append(f" Steps other than cold run {repeat} time{'s' if repeat != 1 else ''}; the table gives the median and every run. "
                f"Load average (1, 5, 15 min) before / after: {b['load']}.")
    detail = (f"One-file change: mlship uploaded {b['uploadRatio']}× the changed app layer ({b['appLayerBytes']} bytes "
              f"compressed; target ≤ 1.1×)")
    if "oneFileLastRunBytes" in b:
        detail += (f"; in its last run the registry received {b['oneFileLastRunBytes']} bytes and mlship's build.json "
                   f"reported {b['oneFileReportedBytes']}")
    detail += f". buildah took {b['buildahOverMlship']}× as long (target ≥ 3×)."
    rows = [[s["label"], f"{s['median']:.2f}", " ".join(f"{t:.2f}" for t in s["runs"]), s["bytesUploaded"]]
            for s in b["steps"]]
    return [section("Image build detail", "".join(what) + "\n\n" + detail,
                    ["step", "median seconds", "runs", "bytes uploaded (median)"], rows, "lrlr")]


def gate_part(raw):
    # JMH's JSON: throughput in operations per microsecond (all four threads); the latency group's sample time
    # holds each client's percentiles (µs) among its secondary metrics.
    jmh = {(r["benchmark"].rsplit(".", 1)[1], r["mode"]): r for r in load_json(os.path.join(raw, "jmh.json"))}
    latency = jmh[("latency", "sample")]["secondaryMetrics"]
    pct = lambda name, q: round(latency[name + "Latency"]["scorePercentiles"][q] / 1000, 3)
    g = {"concurrency": 4, "gateReqPerS": round(jmh[("gate", "thrpt")]["primaryMetric"]["score"] * 1e6),
         "rawReqPerS": round(jmh[("raw", "thrpt")]["primaryMetric"]["score"] * 1e6),
         "gateP50Ms": pct("gate", "50.0"), "gateP99Ms": pct("gate", "99.0"),
         "rawP50Ms": pct("raw", "50.0"), "rawP99Ms": pct("raw", "99.0")}
    g["addedP50Ms"] = round(g["gateP50Ms"] - g["rawP50Ms"], 3)
    g["addedP99Ms"] = round(g["gateP99Ms"] - g["rawP99Ms"], 3)
    g["target"] = "met" if g["gateReqPerS"] >= 2000 and g["addedP99Ms"] < 1 else "not met"
    return [], {"gate": [g]}


def gate_sections(f):
    return [section(
        "Gate: throughput and the latency it adds",
        "The gate's HTTP client against a no-op server on loopback, beside a raw keep-alive socket client (the peer: the "
        "least any HTTP/1.1 client can do), measured in-process with JMH (`bench/gate/run`, `GateOverheadBenchmark`). "
        "Throughput: each client alone, four threads. Latency: both clients at once, two threads each (four requests in "
        "flight), sampled over the same seconds, so a pause of the machine hits both alike; added = gate minus raw at "
        "the same percentile.",
        ["requests in flight", "gate req/s", "raw req/s", "gate p50 / p99 ms", "raw p50 / p99 ms", "added p50 / p99 ms",
         "target (≥ 2,000 req/s, added p99 < 1 ms)"],
        [[g["concurrency"], g["gateReqPerS"], g["rawReqPerS"], f"{g['gateP50Ms']} / {g['gateP99Ms']}",
          f"{g['rawP50Ms']} / {g['rawP99Ms']}", f"{g['addedP50Ms']} / {g['addedP99Ms']}", g["target"]] for g in f["gate"]],
        "rrrrrrl")]


def containers_part(raw):
    return [], load_json(os.path.join(raw, "containers.json"))


def containers_sections(c):
    r = c["readyMs"]
    return [section(
        "Sandbox containers: base image, podman load, start to ready",
        f"{c['image']}, {c['cores']} cores, podman state under target/. Base image: {c['baseArchiveMb']} MB "
        f"docker-archive, {c['basePackages']} Debian packages, {c['baseConfigDigest']}. Start to ready (/readyz 200), "
        f"{c['starts']} starts: min {r['min']} ms, median {r['median']} ms, max {r['max']} ms; stop (SIGTERM) and "
        f"remove: median {c['stopMedianMs']} ms, exit codes {c['exitCodes']}.",
        ["step", "seconds"],
        [["base image made (cold)", f"{c['baseColdS']:.2f}"], ["base image ensure (cached)", f"{c['baseCachedS']:.2f}"],
         ["podman load base", f"{c['loadBaseS']:.2f}"], ["example image (layer + archive)", f"{c['exampleImageS']:.2f}"],
         ["podman load example image", f"{c['loadExampleS']:.2f}"]],
        "lr")]


# part: (raw outputs -> cases and figures, about its cases, figures -> sections)
PARTS = {
    "startup": (startup_part, STARTUP_ABOUT, lambda f: []),
    "promote": (promote_part, PROMOTE_ABOUT, lambda f: []),
    "memory": (memory_part, "", memory_sections),
    "deploy": (deploy_part, DEPLOY_ABOUT, deploy_sections),
    "build": (build_part, BUILD_ABOUT, build_sections),
    "gate": (gate_part, "", gate_sections),
    "sandbox-containers": (containers_part, "", containers_sections),
}


def part_document(name, cases, figures):
    _, about, sections = PARTS[name]
    return {"about": about if cases else "", "cases": cases, "sections": sections(figures), "figures": figures}


# --- documents ---------------------------------------------------------------------------------------------------

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


def document(command, load_before, load_after, parts):
    return {"command": command, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
            "machine": machine(), "loadBefore": load_before, "loadAfter": load_after, "parts": parts}


def write_json(doc, path):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


def render(doc):
    m = doc["machine"]
    parts = doc["parts"]
    title = "mlship benchmarks" if len(parts) != 1 else f"mlship benchmark: {next(iter(parts))}"
    md = [f"# {title}\n",
          f"Produced by `{doc['command']}` on {doc['date']}. Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memoryGiB']} GiB, "
          f"{m['java']}, Linux {m['kernel']}. Load average (1, 5, 15 min) before: {doc['loadBefore']}; "
          f"after: {doc['loadAfter']}.\n"]
    cases = [c for p in parts.values() for c in p["cases"]]
    if cases:
        about = " ".join(p["about"] for p in parts.values() if p["cases"] and p["about"])
        md.append(f"{about} Ratio = mlship / peer (below 1: mlship is faster).\n".lstrip())
        md.append("| case | mlship median | peer | peer median | ratio | runs | note |")
        md.append("| --- | ---: | --- | ---: | ---: | ---: | --- |")
        for c in cases:
            md.append(f"| {c['case']} | {c['mlshipMedianS']:.3f} s | {c['peer']} | {c['peerMedianS']:.3f} s | "
                      f"{c['ratio']} | {c['runs']} | {c['note']} |")
        md.append("")
    for p in parts.values():
        for s in p["sections"]:
            md.append(f"## {s['title']}\n")
            if s["text"]:
                md.append(s["text"] + "\n")
            t = s.get("table")
            if t:
                md.append("| " + " | ".join(t["columns"]) + " |")
                md.append("| " + " | ".join("---:" if a == "r" else "---" for a in t["align"]) + " |")
                for row in t["rows"]:
                    md.append("| " + " | ".join(str(x) for x in row) + " |")
                md.append("")
    return "\n".join(md)


def read(path):
    with open(path) as f:
        return f.read().strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="action", required=True)
    p = sub.add_parser("part")
    p.add_argument("part", choices=sorted(PARTS))
    p.add_argument("raw")
    p.add_argument("out")
    p.add_argument("--command", required=True)
    m = sub.add_parser("merge")
    m.add_argument("out")
    m.add_argument("parts", nargs="+")
    m.add_argument("--command", required=True)
    r = sub.add_parser("render")
    r.add_argument("doc")
    r.add_argument("out")
    a = ap.parse_args()

    if a.action == "part":
        cases, figures = PARTS[a.part][0](a.raw)
        write_json(document(a.command, read(os.path.join(a.raw, "load-before.txt")),
                            read(os.path.join(a.raw, "load-after.txt")),
                            {a.part: part_document(a.part, cases, figures)}), a.out)
    elif a.action == "merge":
        docs = [load_json(path) for path in a.parts]
        merged = {}
        for d in docs:
            merged.update(d["parts"])
        # The load around the whole run: before the first part, after the last.
        write_json(document(a.command, docs[0]["loadBefore"], docs[-1]["loadAfter"], merged), a.out)
    else:
        with open(a.out, "w") as f:
            f.write(render(load_json(a.doc)))


if __name__ == "__main__":
    main()
