package io.mlship.jenkins

import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS

import java.util.concurrent.ConcurrentHashMap

/**
 * The CPS test helper with one change: a round trip of the program state resolves each class name once per test and
 * reuses the answer (see {@link MemoizingObjectInput}). The stock helper asks the script class loader again for every
 * class in every round trip, and for a name that loader does not define itself that means building a
 * ClassNotFoundException, searching the whole test class path for a Groovy source of that name and at times
 * compiling it again: most of a CPS test's time. What is written, read back and compared is unchanged.
 */
class MemoizingCpsHelper extends PipelineTestHelperCPS {
    private final Map<String, Class<?>> resolved = new ConcurrentHashMap<>()

    @Override
    <T> T roundtripSerialization(T object) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream()
        ObjectOutputStream out = new ObjectOutputStream(bytes)
        out.writeObject(object)
        out.close()
        ObjectInputStream input = new MemoizingObjectInput(new ByteArrayInputStream(bytes.toByteArray()),
                gse.groovyClassLoader, resolved)
        return (T) input.readObject()
    }
}
