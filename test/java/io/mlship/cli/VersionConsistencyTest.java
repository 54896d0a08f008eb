package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Jenkins library checks the CLI against resources/io/mlship/version.txt, so it must equal the build's version. */
class VersionConsistencyTest {
    @Test
    void pomVersionEqualsLibraryVersionResource() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>mlship</artifactId>\\s*(?:<!--.*?-->\\s*)?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(m.find()).isTrue();
        String library = Files.readString(Path.of("resources/io/mlship/version.txt")).trim();
        assertThat(library).isEqualTo(m.group(1));
        assertThat(new CliContext().version()).isEqualTo(library);
    }
}
