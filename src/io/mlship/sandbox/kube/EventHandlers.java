package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Informer handlers for controllers that only care what an object is now: added and updated are one change. */
final class EventHandlers {
    private EventHandlers() {
    }

    static <T> ResourceEventHandler<T> onChange(Consumer<T> onChange) {
        return onChange(onChange, obj -> { });
    }

    static <T> ResourceEventHandler<T> onChange(Consumer<T> onChange, Consumer<T> onDelete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onDelete.accept(obj);
            }
        };
    }
}
