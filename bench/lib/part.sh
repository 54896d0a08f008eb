# Sourced by every bench/<part>/run after it sets `part`: the one calling convention of the parts.
#   bench/<part>/run [--quick]     --quick: fewer runs and smaller inputs, to check the harness itself
# Results go to bench/work/<part>/ (ignored by git): result.json (the shape bench/lib/report.py describes),
# results.md rendered from it, and raw/ with the tools' own outputs. Sets root, quick, out, raw and tmp (a temp
# folder removed on exit, after the part's own `part_cleanup` if it defines one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

quick=no
for arg in "$@"; do
  case "$arg" in
    --quick) quick=yes ;;
    -h|--help) echo "usage: bench/$part/run [--quick]   (results in bench/work/$part/; see bench/README.md)"; exit 0 ;;
    *) echo "[bench $part] unknown argument '$arg'; usage: bench/$part/run [--quick]" >&2; exit 2 ;;
  esac
done

out="$root/bench/work/$part"
raw="$out/raw"
# A part's folder holds one run only, so a failed run never leaves an older result looking current.
rm -rf "$out"
mkdir -p "$raw"
tmp="$(mktemp -d)"
on_exit() {
  if declare -F part_cleanup >/dev/null; then part_cleanup || true; fi
  rm -rf "$tmp"
}
trap on_exit EXIT
cut -d' ' -f1-3 /proc/loadavg > "$raw/load-before.txt"

say() { echo "[bench $part] $*" >&2; }

# need PACKAGE_LIST TOOL...: stop early, naming the list bin/setup installs the tools from.
need() {
  local list=$1 tool; shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { say "'$tool' is missing; run bin/setup (bin/packages/$list)"; exit 3; }
  done
}

# The CLI jar, rebuilt when the sources are newer, so a part always measures the code as it is now. Sets jar.
need_jar() {
  jar="$(ls "$root"/target/mlship-*-cli.jar 2>/dev/null | head -1 || true)"
  if [ -z "$jar" ] || [ -n "$(find src resources pom.xml -newer "$jar" -print -quit)" ]; then
    say "building the mlship CLI"
    mvn -B -ntp -q -Dstyle.color=never package -DskipTests >&2
    jar="$(ls "$root"/target/mlship-*-cli.jar | head -1)"
  fi
  # The launcher records its class-data-sharing archive on a first real command; make it untimed, as any agent
  # that has run mlship once has it.
  bin/mlship validate --spec examples/reco-service/mlship.yaml >/dev/null 2>&1 || true
}

# The test classes and their classpath, for the parts measured in-process (JMH, the rollout watch).
test_classpath() {
  mvn -B -ntp -q -Dstyle.color=never test-compile >&2
  mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
  echo "target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
}

# gcloud with its own empty configuration, no prompts, no update checks, no credentials: the peer as a CI agent
# would start it.
gcloud_offline() {
  export CLOUDSDK_CONFIG="$tmp/gcloud"
  export CLOUDSDK_CORE_DISABLE_PROMPTS=1 CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=true
  export CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=true CLOUDSDK_AUTH_DISABLE_CREDENTIALS=true
  export CLOUDSDK_CORE_PROJECT=ds-ml-staging
}

# A sandbox for this part (Vertex AI emulator, Kubernetes API), with the example's model v2 in its storage and
# the example's image in its images folder (Vertex AI serves the model from it); stopped by sandbox_down.
# Sets state, sandbox_info and image_digest.
sandbox_up() {
  state="$tmp/sandbox"
  sandbox_info="$tmp/sandbox-info.json"
  bin/mlship sandbox up --state "$state" > "$sandbox_info"
  mkdir -p "$state/storage/ds-training-output/reco-ranker"
  cp -r examples/reco-service/training-output/reco-ranker/v2 "$state/storage/ds-training-output/reco-ranker/"
  bin/mlship build --spec examples/reco-service/mlship.yaml --env staging --base-image scratch \
    --tar "$state/images/reco-service.tar" --git-sha 0123456789abcdef0123456789abcdef01234567 \
    --cache-dir "$tmp/sandbox-build-cache" --result-dir "$tmp/sandbox-build" >/dev/null 2>&1
  image_digest="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$tmp/sandbox-build/build.json")"
}
sandbox_down() {
  if [ -n "${state:-}" ]; then
    bin/mlship sandbox down --state "$state" >/dev/null 2>&1 || true
    state=""
  fi
}
sandbox_field() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$sandbox_info" "$1"
}

# Last step of every part: its raw outputs to result.json and results.md.
report() {
  cut -d' ' -f1-3 /proc/loadavg > "$raw/load-after.txt"
  local command="bench/$part/run"
  [ "$quick" = yes ] && command="$command --quick"
  python3 bench/lib/report.py part "$part" "$raw" "$out/result.json" --command "$command"
  python3 bench/lib/report.py render "$out/result.json" "$out/results.md"
  say "results: ${out#"$root"/}/result.json, results.md"
}
