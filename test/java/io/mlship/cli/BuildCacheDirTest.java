package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build's cache lives outside the checkout, so a fresh workspace on the same agent keeps its cache. */
class BuildCacheDirTest {
    private static final Path SPEC_DIR = Path.of("/work/checkout");

    @Test
    void anExplicitCacheVariableWinsThenXdgThenHome() {
        assertThat(BuildCommand.defaultCacheDir(Map.of("MLSHIP_CACHE_DIR", "/cache", "XDG_CACHE_HOME", "/xdg",
                "HOME", "/home/jenkins"), SPEC_DIR)).isEqualTo(Path.of("/cache"));
        assertThat(BuildCommand.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/xdg", "HOME", "/home/jenkins"), SPEC_DIR))
                .isEqualTo(Path.of("/xdg/mlship"));
        assertThat(BuildCommand.defaultCacheDir(Map.of("HOME", "/home/jenkins"), SPEC_DIR))
                .isEqualTo(Path.of("/home/jenkins/.cache/mlship"));
    }

    @Test
    void onlyWithoutAHomeDoesItFallBackToTheCheckout() {
        assertThat(BuildCommand.defaultCacheDir(Map.of("MLSHIP_CACHE_DIR", " "), SPEC_DIR))
                .isEqualTo(SPEC_DIR.resolve(".mlship/cache"));
    }
}
