package io.mlship.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.Map;

/**
 * Reads a CPS program state back as groovy-cps does (the script class loader first, then the usual look-up), but
 * remembers each class it resolved in a map the caller keeps for the whole test. Java, not Groovy: Groovy 2.4 cannot
 * call {@code super.resolveClass} from a nested class.
 */
final class MemoizingObjectInput extends ObjectInputStream {
    private final ClassLoader loader;
    private final Map<String, Class<?>> resolved;

    MemoizingObjectInput(InputStream bytes, ClassLoader loader, Map<String, Class<?>> resolved) throws IOException {
        super(bytes);
        this.loader = loader;
        this.resolved = resolved;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        Class<?> known = resolved.get(desc.getName());
        if (known != null) {
            return known;
        }
        Class<?> found;
        try {
            found = loader.loadClass(desc.getName());
        } catch (ClassNotFoundException notTheScripts) {
            found = super.resolveClass(desc);
        }
        resolved.put(desc.getName(), found);
        return found;
    }
}
