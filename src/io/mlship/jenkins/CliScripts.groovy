package io.mlship.jenkins

/**
 * Every shell script the library runs. They are constants in single quotes, so Groovy never
 * interpolates anything into them: all variable data arrives as environment variables (set with
 * withEnv) and is used quoted. Keep it that way — a value in a script string is an injection.
 */
class CliScripts implements Serializable {
    private static final long serialVersionUID = 1L

    /** Runs one command of an executable CLI (explicit path, or `mlship` on PATH). */
    static final String RUN_EXEC = '"$MLSHIP_CLI" "$MLSHIP_COMMAND" --params "$MLSHIP_PARAMS"'

    /**
     * Runs one command of the CLI jar, with bin/mlship's JVM options (the reasons are there): C1 alone and a serial
     * heap for a short command; C2 kept, with high thresholds, for build and release, which digest every layer they
     * make; huge pages for the heap where the kernel gives them on request. A jar kept on the cache volume (see
     * FETCH_JAR) gets a class-data-sharing archive beside it, as the agent image's mlship does: recorded by its first
     * command (io.mlship.launch.ArchiveRecorder, 15-20 s once) and mapped by every later one, in any pod; it is run
     * by its path on the volume, which the archive holds and which is the same from every workspace.
     * MLSHIP_JAVA_OPTS is the job's own setting, last so it can override them, split into words on purpose.
     */
    static final String RUN_JAR = '''case "$MLSHIP_COMMAND" in
  build|release) jvm='-XX:+UseSerialGC -Xss1m -XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000 -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=1000000 -XX:-C1UpdateMethodData' ;;
  *) jvm='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss1m' ;;
esac
thp='' thp_mode=''
[ -r /sys/kernel/mm/transparent_hugepage/enabled ] && read -r thp_mode < /sys/kernel/mm/transparent_hugepage/enabled
case "$thp_mode" in *'[madvise]'*) thp='-XX:+UseTransparentHugePages' ;; esac
jar="$MLSHIP_JAR" cds=''
if [ -L "$jar" ] && [ -n "${MLSHIP_CACHE_DIR:-}" ] && [ "${MLSHIP_CDS:-on}" != off ]; then
  jar="$(readlink -f "$jar")"
  java_bin="$(readlink -f "$(command -v java)")"
  key="$(cksum < "${java_bin%/bin/java}/release" 2>/dev/null)"
  archive="${jar%/*}/mlship-${key%% *}.jsa"
  if { [ ! -f "$archive.args" ] || [ ! -f "$archive" ]; } && [ ! -f "$archive.failed" ] && [ -w "${jar%/*}" ]; then
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:disable -Xlog:all=warning:stderr -cp "$jar" io.mlship.launch.ArchiveRecorder "$archive" --java "$java_bin" --remove-after-days 7 || true
  fi
  [ -r "$archive.args" ] && [ -f "$archive" ] && cds="@$archive.args"
fi
java $jvm -Xlog:disable -Xlog:all=warning:stderr $thp ${cds:+"$cds"} ${MLSHIP_JAVA_OPTS:-} -jar "$jar" "$MLSHIP_COMMAND" --params "$MLSHIP_PARAMS"
'''

    /** Prints `mlship <version>` first; `|| true` so a missing CLI is reported by us, not as "exit code 127". */
    static final String VERSION_EXEC = '"$MLSHIP_CLI" --version || true'

    static final String VERSION_JAR = 'java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss1m ' +
            '-Xlog:disable -Xlog:all=warning:stderr ${MLSHIP_JAVA_OPTS:-} -jar "$MLSHIP_JAR" --version || true'

    /** Exit codes of FETCH_JAR besides 0. */
    static final int FETCH_DOWNLOAD_FAILED = 10
    static final int FETCH_CHECKSUM_MISMATCH = 11

    /**
     * Makes sure $MLSHIP_JAR is the jar with sha256 $MLSHIP_JAR_SHA256, downloading it from $MLSHIP_JAR_URL
     * when it is missing or different. With a cache volume (MLSHIP_CACHE_DIR) the jar is kept there, in a folder
     * named by its sha256, and linked into the workspace: later builds, in any pod that mounts the volume, find it
     * instead of downloading it again (the workspace of an ephemeral agent starts empty). Folders of other jars
     * not used for a week are removed. `set +x` keeps the URL (which may hold credentials) out of the log; the
     * download goes to a temporary name of its own (mktemp: pods sharing the volume may have the same process ids),
     * so parallel branches and pods never see a half-written jar.
     */
    static final String FETCH_JAR = '''set +x
sha_ok() { echo "$MLSHIP_JAR_SHA256  $1" | sha256sum -c - >/dev/null 2>&1; }
if [ -f "$MLSHIP_JAR" ] && sha_ok "$MLSHIP_JAR"; then exit 0; fi
mkdir -p "$(dirname "$MLSHIP_JAR")"
kept="$MLSHIP_JAR"
volume="${MLSHIP_CACHE_DIR:+$MLSHIP_CACHE_DIR/cli}"
if [ -n "$volume" ] && mkdir -p "$volume/$MLSHIP_JAR_SHA256" 2>/dev/null && [ -w "$volume/$MLSHIP_JAR_SHA256" ]; then
  kept="$volume/$MLSHIP_JAR_SHA256/$(basename "$MLSHIP_JAR")"
  touch "$volume/$MLSHIP_JAR_SHA256"
elif [ -n "$volume" ]; then
  echo "[mlship] cannot write $volume (MLSHIP_CACHE_DIR): keeping the jar in the workspace; mount the cache volume writable for the agent's user"
fi
if [ "$kept" = "$MLSHIP_JAR" ] || ! sha_ok "$kept"; then
  echo "[mlship] downloading $(basename "$MLSHIP_JAR") into ${kept%/*} (up to 120 s a try, 3 tries)"
  part="$(mktemp "$kept.part.XXXXXX")" || exit 10
  if ! curl -fsS --max-time 120 --retry 2 -o "$part" "$MLSHIP_JAR_URL"; then rm -f "$part"; exit 10; fi
  if ! sha_ok "$part"; then rm -f "$part"; exit 11; fi
  chmod 644 "$part"
  mv -f "$part" "$kept"
  [ "$kept" = "$MLSHIP_JAR" ] || find "$volume" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} + 2>/dev/null || true
fi
[ "$kept" = "$MLSHIP_JAR" ] || ln -sfn "$kept" "$MLSHIP_JAR"
'''
}
