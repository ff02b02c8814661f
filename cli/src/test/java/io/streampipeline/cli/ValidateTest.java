package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate}: a GitOps repository's check, without a cluster or Kafka. */
class ValidateTest {

  @TempDir
  Path repo;

  @Test
  void theExamplesAreValid() {
    Cli.Result result = Cli.run("validate", "-f", Cli.EXAMPLES);

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("3 pipeline(s) checked, all valid");
  }

  @Test
  void aDirectoryWithOneBadPipelineListsOnlyThatOne() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path good = repo.resolve("apps/good.yaml");
    Path bad = repo.resolve("apps/nested/bad.yml");
    Files.createDirectories(bad.getParent());
    Files.writeString(good, wordcount);
    Files.writeString(bad, wordcount.replace("GROUP BY word", "GROUP BY wrd"));
    Files.writeString(repo.resolve("apps/kustomization.yaml"), "resources: [good.yaml]\n");

    Cli.Result result = Cli.run("validate", "-f", repo);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.outLines()).as("%s", result).hasSize(1);
    assertThat(result.outLines().get(0))
        .startsWith(bad + ": spec.transform.sql: ")
        .contains("Column 'wrd' not found");
  }

  @Test
  void everyDocumentOfAMultiDocumentFileIsChecked() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path file = repo.resolve("pipelines.yaml");
    Files.writeString(file, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: streams\n---\n" + wordcount
        + "---\n" + wordcount.replace("name: wordcount", "name: second").replace("partitions: 3\n      format: raw",
            "partitions: 0\n      format: raw"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.outLines()).as("%s", result).singleElement().asString()
        .startsWith(file + " (second): spec.sources[0].partitions: ");
  }

  @Test
  void specProblemsAreReportedAsTheClusterWouldRefuseThem() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path file = repo.resolve("p.yaml");
    Files.writeString(file, wordcount.replace("topic: lines-dlq", "topic: lines"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.outLines()).as("%s", result).isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith(file + ": spec."));
  }

  @Test
  void aMissingFileIsOneLineOnStderr() {
    Cli.Result result = Cli.run("validate", "-f", repo.resolve("nope.yaml"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).singleElement().asString().contains("nope.yaml: no such file or directory");
  }
}
