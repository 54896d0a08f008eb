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
     * make; huge pages for the heap where the kernel gives them on request. MLSHIP_JAVA_OPTS is the job's own
     * setting, last so it can override them, split into words on purpose.
     */
    static final String RUN_JAR = '''case "$MLSHIP_COMMAND" in
  build|release) jvm='-XX:+UseSerialGC -Xss1m -XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000 -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=1000000 -XX:-C1UpdateMethodData' ;;
  *) jvm='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss1m' ;;
esac
thp='' thp_mode=''
[ -r /sys/kernel/mm/transparent_hugepage/enabled ] && read -r thp_mode < /sys/kernel/mm/transparent_hugepage/enabled
case "$thp_mode" in *'[madvise]'*) thp='-XX:+UseTransparentHugePages' ;; esac
java $jvm -Xlog:disable -Xlog:all=warning:stderr $thp ${MLSHIP_JAVA_OPTS:-} -jar "$MLSHIP_JAR" "$MLSHIP_COMMAND" --params "$MLSHIP_PARAMS"
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
     * when it is missing or different. `set +x` keeps the URL (which may hold credentials) out of the log;
     * the download goes to a per-process temporary name, so parallel branches never see a half-written jar.
     */
    static final String FETCH_JAR = '''set +x
sha_ok() { echo "$MLSHIP_JAR_SHA256  $1" | sha256sum -c - >/dev/null 2>&1; }
if [ -f "$MLSHIP_JAR" ] && sha_ok "$MLSHIP_JAR"; then exit 0; fi
mkdir -p "$(dirname "$MLSHIP_JAR")"
part="$MLSHIP_JAR.part.$$"
if ! curl -fsS --max-time 120 --retry 2 -o "$part" "$MLSHIP_JAR_URL"; then rm -f "$part"; exit 10; fi
if ! sha_ok "$part"; then rm -f "$part"; exit 11; fi
mv -f "$part" "$MLSHIP_JAR"
'''
}
