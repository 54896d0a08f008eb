package io.mlship.jenkins

/**
 * The shell scripts the library may run, written out here on purpose: a change to the library's
 * constants has to be a deliberate change to this list too, and tests fail on any other script.
 */
final class Scripts {
    static final String RUN_EXEC = '"$MLSHIP_CLI" "$MLSHIP_COMMAND" --params "$MLSHIP_PARAMS"'
    static final String RUN_JAR = '''case "$MLSHIP_COMMAND" in
  build|release) jvm='-XX:+UseSerialGC -Xss1m -XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000 -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=1000000 -XX:-C1UpdateMethodData' ;;
  *) jvm='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss1m' ;;
esac
thp='' thp_mode=''
[ -r /sys/kernel/mm/transparent_hugepage/enabled ] && read -r thp_mode < /sys/kernel/mm/transparent_hugepage/enabled
case "$thp_mode" in *'[madvise]'*) thp='-XX:+UseTransparentHugePages' ;; esac
java $jvm -Xlog:disable -Xlog:all=warning:stderr $thp ${MLSHIP_JAVA_OPTS:-} -jar "$MLSHIP_JAR" "$MLSHIP_COMMAND" --params "$MLSHIP_PARAMS"
'''
    static final String VERSION_EXEC = '"$MLSHIP_CLI" --version || true'
    static final String VERSION_JAR = 'java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss1m -Xlog:disable -Xlog:all=warning:stderr ${MLSHIP_JAVA_OPTS:-} -jar "$MLSHIP_JAR" --version || true'
    static final String FETCH_JAR = '''set +x
sha_ok() { echo "$MLSHIP_JAR_SHA256  $1" | sha256sum -c - >/dev/null 2>&1; }
if [ -f "$MLSHIP_JAR" ] && sha_ok "$MLSHIP_JAR"; then exit 0; fi
mkdir -p "$(dirname "$MLSHIP_JAR")"
part="$MLSHIP_JAR.part.$$"
if ! curl -fsS --max-time 120 --retry 2 -o "$part" "$MLSHIP_JAR_URL"; then rm -f "$part"; exit 10; fi
if ! sha_ok "$part"; then rm -f "$part"; exit 11; fi
mv -f "$part" "$MLSHIP_JAR"
'''

    static final List<String> ALL = [RUN_EXEC, RUN_JAR, VERSION_EXEC, VERSION_JAR, FETCH_JAR].asImmutable()

    private Scripts() {
    }
}
