package io.mlship.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.mlship.cli.CliContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/AGENTS.md's pod template is what platform engineers copy: it must parse as a Pod, run the agent image of this
 * version in the container the Jenkinsfile names, and give that container the cache volume where MLSHIP_CACHE_DIR
 * says it is (otherwise pip's output, Jib's cache and the start-up archive silently go with the pod).
 */
class AgentsDocTest {
    static final Path DOC = Path.of("docs/AGENTS.md");

    @Test
    void thePodTemplateMountsTheCacheVolumeWhereMlshipLooksForIt() throws Exception {
        String doc = Files.readString(DOC);
        Pod pod = new ObjectMapper(new YAMLFactory()).readValue(block(doc, "yaml"), Pod.class);
        Matcher named = Pattern.compile("defaultContainer '([^']+)'").matcher(block(doc, "groovy"));
        assertThat(named.find()).as("the Jenkinsfile names the container the steps run in").isTrue();
        Container mlship = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(named.group(1)))
                .findFirst().orElseThrow(() -> new AssertionError("no container " + named.group(1) + " in the pod template"));

        assertThat(mlship.getImage()).endsWith("/mlship-agent:" + new CliContext().version());
        assertThat(mlship.getCommand()).as("a container Jenkins runs steps in must stay up").containsExactly("cat");
        assertThat(mlship.getTty()).isTrue();
        String cacheDir = mlship.getEnv().stream().filter(e -> e.getName().equals("MLSHIP_CACHE_DIR"))
                .map(EnvVar::getValue).findFirst().orElseThrow(() -> new AssertionError("MLSHIP_CACHE_DIR is not set"));
        VolumeMount mount = mlship.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(cacheDir))
                .findFirst().orElseThrow(() -> new AssertionError("nothing is mounted at MLSHIP_CACHE_DIR " + cacheDir));
        Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
        assertThat(volume.getPersistentVolumeClaim()).as("a volume that outlives the pod").isNotNull();
        assertThat(doc).contains("recording a class-data-sharing archive in " + cacheDir + "/cds");
    }

    @Test
    void theImageIsBuiltWithAProfileAndPropertiesThePomHas() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher build = Pattern.compile("mvn .*-P(\\S+) .*-D(mlship\\.agent\\.image)=").matcher(Files.readString(DOC));
        assertThat(build.find()).as("docs/AGENTS.md gives the image's build command").isTrue();
        assertThat(pom).contains("<id>" + build.group(1) + "</id>", "<" + build.group(2) + ">", "<mlship.agent.base>");
        assertThat(Files.readString(Path.of("agent-image/usr/local/bin/mlship")))
                .contains("MLSHIP_CACHE_DIR", "jib-classpath-file");
    }

    /** The first fenced block of the given language. */
    private static String block(String doc, String language) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/AGENTS.md has a %s block", language).isTrue();
        return m.group(1);
    }
}
