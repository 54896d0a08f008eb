package io.mlship.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Renders every step's reference from its metadata: {@code docs/steps/<step>.md} for people browsing the
 * repository and {@code vars/<step>.txt}, the HTML Jenkins shows in its Global Variable Reference. Both are
 * generated so they cannot drift from what the step runner enforces.
 */
public final class StepReference {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private final ObjectMapper json;
    private final Parser markdown = Parser.builder().build();
    private final HtmlRenderer html = HtmlRenderer.builder().escapeHtml(true).build();

    public StepReference(ObjectMapper json) {
        this.json = json;
    }

    public List<StepMetadata> load(Path stepsDir) {
        try (Stream<Path> files = Files.list(stepsDir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(this::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list step metadata in " + stepsDir, e);
        }
    }

    private StepMetadata read(Path file) {
        try {
            return json.readValue(file.toFile(), StepMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read step metadata " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every generated file, by path relative to the repository root. */
    public Map<Path, String> render(List<StepMetadata> steps) {
        Map<Path, String> out = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("# Step reference\n\n")
                .append("Generated from `resources/io/mlship/steps/*.json` by `bin/generate-docs`; do not edit by hand.\n\n")
                .append("| step | CLI | what it does |\n| --- | --- | --- |\n");
        for (StepMetadata step : steps) {
            out.put(Path.of("docs/steps", step.name() + ".md"), markdown(step));
            out.put(Path.of("vars", step.name() + ".txt"), helpText(step));
            index.append("| [`").append(step.name()).append("`](").append(step.name()).append(".md) | ")
                    .append(step.isPipeline() ? "— (runs the steps)" : "`mlship " + step.command() + "`").append(" | ")
                    .append(step.summary()).append(" |\n");
        }
        out.put(Path.of("docs/steps/README.md"), index.toString());
        return out;
    }

    String markdown(StepMetadata s) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(s.name()).append("\n\n")
                .append("<!-- Generated from resources/io/mlship/steps/").append(s.name())
                .append(".json by bin/generate-docs; do not edit by hand. -->\n\n")
                .append(s.summary()).append("\n\n").append(s.description()).append("\n\n")
                .append("## Parameters\n\n| name | type | default | description |\n| --- | --- | --- | --- |\n");
        for (StepMetadata.Param p : s.params()) {
            md.append("| `").append(p.name()).append("` | ").append(p.kind()).append(" | ")
                    .append(p.defaultValue() == null ? "" : "`" + defaultText(p) + "`").append(" | ")
                    .append(p.description().replace("|", "\\|")).append(" |\n");
        }
        if (s.isPipeline()) {
            md.append("\n").append(PIPELINE_OPTIONS).append(" Any other key is an error, with a \"did you mean\" hint.\n\n")
                    .append("## Returns\n\nA map:\n\n");
        } else {
            md.append("| `cli` | map, optional |  | ").append(CLI_MARKDOWN).append(" |\n")
                    .append("| `stepsDir` | string, optional | `.mlship/steps` | ").append(STEPS_DIR_MARKDOWN).append(" |\n\n")
                    .append("Any other key is an error, with a \"did you mean\" hint.\n\n")
                    .append("## Returns\n\nThe CLI's result (`mlship ").append(s.command()).append("`) as a map:\n\n");
        }
        for (StepMetadata.Result r : s.results()) {
            md.append("- `").append(r.name()).append("`: ").append(r.description()).append('\n');
        }
        if (s.isPipeline()) {
            md.append('\n');
        } else {
            md.append("\nIt also holds `command`, `status`, `exitCode` and `startedAt`; parameters and result are kept in `<stepsDir>/")
                    .append(s.name()).append("-<n>/`.\n\n");
        }
        for (StepMetadata.Section section : s.sections()) {
            md.append("## ").append(section.title()).append("\n\n").append(section.markdown().strip()).append("\n\n");
        }
        md.append("## Example\n\n```groovy\n").append(s.example()).append("\n```\n\n")
                .append("## When it fails\n\nThe step fails the build with one message that starts with `[").append(s.name())
                .append("]`:\n\n");
        for (String f : failures(s)) {
            md.append("- ").append(f).append('\n');
        }
        return md.toString();
    }

    String helpText(StepMetadata s) {
        StringBuilder h = new StringBuilder();
        h.append("<!-- Generated from resources/io/mlship/steps/").append(s.name())
                .append(".json by bin/generate-docs; do not edit by hand. -->\n")
                .append("<p>\n  <strong>").append(s.name()).append("</strong>: ").append(html(s.summary())).append("\n</p>\n")
                .append("<p>\n  ").append(html(s.description())).append("\n</p>\n\n<h4>Parameters</h4>\n<dl>\n");
        for (StepMetadata.Param p : s.params()) {
            h.append("  <dt><code>").append(p.name()).append("</code> (").append(p.kind())
                    .append(p.defaultValue() == null ? "" : ", default <code>" + escape(defaultText(p)) + "</code>")
                    .append(")</dt>\n  <dd>").append(html(p.description())).append("</dd>\n");
        }
        if (s.isPipeline()) {
            h.append("</dl>\n<p>").append(html(PIPELINE_OPTIONS)).append(" Any other key is an error, with a \"did you mean\" hint.</p>\n\n")
                    .append("<h4>Returns</h4>\n<p>A map:</p>\n<dl>\n");
        } else {
            h.append("  <dt><code>cli</code> (map, optional)</dt>\n  <dd>").append(html(CLI_MARKDOWN)).append("</dd>\n")
                    .append("  <dt><code>stepsDir</code> (string, optional)</dt>\n  <dd>").append(html(STEPS_DIR_MARKDOWN))
                    .append("</dd>\n</dl>\n")
                    .append("<p>Any other key is an error, with a \"did you mean\" hint.</p>\n\n<h4>Returns</h4>\n<p>The CLI's result as a map:</p>\n<dl>\n");
        }
        for (StepMetadata.Result r : s.results()) {
            h.append("  <dt><code>").append(r.name()).append("</code></dt>\n  <dd>").append(html(r.description())).append("</dd>\n");
        }
        h.append("</dl>\n");
        if (!s.isPipeline()) {
            h.append("<p>It also holds <code>command</code>, <code>status</code>, <code>exitCode</code> and <code>startedAt</code>; ")
                    .append("parameters and result are kept in <code>&lt;stepsDir&gt;/").append(s.name()).append("-&lt;n&gt;/</code>.</p>\n");
        }
        h.append('\n');
        for (StepMetadata.Section section : s.sections()) {
            h.append("<h4>").append(escape(section.title())).append("</h4>\n")
                    .append(this.html.render(markdown.parse(section.markdown()))).append('\n');
        }
        h.append("<h4>Example</h4>\n<pre>\n").append(escape(s.example())).append("\n</pre>\n\n")
                .append("<h4>When it fails</h4>\n<p>The step fails the build with one message that starts with <code>[")
                .append(s.name()).append("]</code>:</p>\n<ul>\n");
        for (String f : failures(s)) {
            h.append("  <li>").append(html(f)).append("</li>\n");
        }
        return h.append("</ul>\n").toString();
    }

    private static final String CLI_MARKDOWN = "Where the mlship CLI comes from, for this call only: "
            + "`cli: [path: '/opt/mlship/bin/mlship']`, or a jar fetched from a Maven repository and checked by sha256: "
            + "`cli: [jar: [repository: 'https://repo.example.com/maven', sha256: '<64 hex digits>']]`. Without it the "
            + "environment decides (`MLSHIP_CLI`, or `MLSHIP_CLI_JAR_REPOSITORY` with `MLSHIP_CLI_JAR_SHA256`), else "
            + "`mlship` on the agent's PATH. The CLI must have the same version as this library.";

    private static final String STEPS_DIR_MARKDOWN = "Folder that holds this call's result directory, "
            + "`<stepsDir>/<step>-<n>`; `mlPipeline` gives each pipeline of a monorepo its own.";

    private static final String PIPELINE_OPTIONS = "In the closure form each option is a method call, "
            + "`mlPipeline { spec 'mlship.yaml'; skip 'model' }`, and `environments` is written as "
            + "`environment('staging') { canary 20 }`; the map form takes the same names.";

    /** Step-specific failures first, then what every step shares through the runner. */
    private static List<String> failures(StepMetadata s) {
        List<String> all = new java.util.ArrayList<>(s.failures());
        if (s.isPipeline()) {
            return all;
        }
        all.add("bad input (exit 2): `[" + s.name() + "] bad input: …`, then each problem on its own line "
                + "(`deploy.ingres (line 12): unknown key — did you mean 'ingress'?`), then a hint");
        all.add("infrastructure error (exit 3): `[" + s.name() + "] infrastructure error: …`");
        all.add("wrong or missing CLI: `[" + s.name() + "] mlship CLI … does not match library version …`, with what to do");
        all.add("no result from the CLI: `[" + s.name() + "] mlship exited N without a result file (…)`; the console log above says why");
        return all;
    }

    /** A default as written in a Jenkinsfile: text as is, a list as ['main', 'master']. */
    private static String defaultText(StepMetadata.Param p) {
        if (!p.defaultValue().isArray()) {
            return p.defaultValue().asText();
        }
        List<String> items = new java.util.ArrayList<>();
        p.defaultValue().forEach(item -> items.add("'" + item.asText() + "'"));
        return "[" + String.join(", ", items) + "]";
    }

    /** Markdown-ish metadata text to HTML: escape, then `code` spans. */
    static String html(String text) {
        Matcher m = CODE.matcher(escape(text));
        return m.replaceAll(r -> "<code>" + Matcher.quoteReplacement(r.group(1)) + "</code>");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes the files whose content differs; returns the paths written. */
    public List<Path> write(Path root, Map<Path, String> files) throws IOException {
        List<Path> written = new java.util.ArrayList<>();
        for (Map.Entry<Path, String> e : files.entrySet()) {
            Path target = root.resolve(e.getKey());
            if (!Files.exists(target) || !Files.readString(target).equals(e.getValue())) {
                Files.createDirectories(target.getParent());
                Files.writeString(target, e.getValue());
                written.add(e.getKey());
            }
        }
        return written;
    }

    /** Generates into the repository given as the only argument (default: the current folder). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        StepReference ref = new StepReference(new ObjectMapper());
        List<Path> written = ref.write(root, ref.render(ref.load(root.resolve("resources/io/mlship/steps"))));
        System.out.println(written.isEmpty() ? "step docs are up to date" : "wrote " + written);
    }
}
