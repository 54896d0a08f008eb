package io.mlship.progress;

/** {@link Progress#silent()}: every line dropped. */
enum Silent implements Progress {
    INSTANCE;

    @Override
    public void step(String message) {
    }

    @Override
    public void section(String message) {
    }

    @Override
    public Progress of(String part) {
        return this;
    }
}
