package io.mlship.jenkins;

import com.cloudbees.groovy.cps.ObjectInputStreamWithLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectStreamClass;
import java.util.Map;

/**
 * groovy-cps's reader of a program state (the script class loader first, then the usual look-up), remembering each
 * class it resolved in a map the caller keeps for the whole test. Java, not Groovy: Groovy 2.4 cannot call
 * {@code super.resolveClass} from a nested class.
 */
final class MemoizingObjectInput extends ObjectInputStreamWithLoader {
    private final Map<String, Class<?>> resolved;

    MemoizingObjectInput(InputStream bytes, ClassLoader loader, Map<String, Class<?>> resolved) throws IOException {
        super(bytes, loader);
        this.resolved = resolved;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        Class<?> known = resolved.get(desc.getName());
        if (known != null) {
            return known;
        }
        Class<?> found = super.resolveClass(desc);
        resolved.put(desc.getName(), found);
        return found;
    }
}
