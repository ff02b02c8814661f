package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(result.err()).contains("6 pipeline(s) checked, all valid");
  }

  @Test
  void statementsAndSinksThatDoNotMatchAreRefusedWithLineColumnAndSinkIndex() throws IOException {
    Path file = repo.resolve("fanout.yaml");
    Files.writeString(file, Files.readString(example("fanout", "pipeline.yaml"))
        .replace("INSERT INTO customer_totals", "INSERT INTO customer_total"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    assertThat(result.outLines()).as("%s", result).containsExactly(
        file + ": spec.transform.sql: line 5, column 13: INSERT INTO writes table 'customer_total', which is not"
            + " a sink (sinks: paid_orders, customer_totals)",
        file + ": spec.sinks[1]: no statement of spec.transform.sql writes sink 'customer_totals'; add INSERT INTO"
            + " customer_totals SELECT ... or remove the sink");
  }

  @Test
  void twoSinksOfOneNameAreRefusedAsTheApiServerRefusesThem() throws IOException {
    Path file = repo.resolve("fanout.yaml");
    Files.writeString(file, Files.readString(example("fanout", "pipeline.yaml"))
        .replace("- name: customer_totals", "- name: paid_orders"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    assertThat(result.outLines()).as("%s", result)
        .containsExactly(file + ": spec.sinks[1]: Duplicate value: {\"name\":\"paid_orders\"}");
  }

  @Test
  void eachSinksResultIsCheckedByPlanningItsStatement() throws IOException {
    Path file = repo.resolve("fanout.yaml");
    Files.writeString(file, Files.readString(example("fanout", "pipeline.yaml")).replace("key: [customer]", "key: []"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    assertThat(result.outLines()).as("%s", result).singleElement().asString()
        .startsWith(file + ": spec.sinks[1].key: the query produces updates");
  }

  @Test
  void stateThatGrowsWithEveryKeyAndNoTtlIsAWarningThatKeepsThePipelineValid() throws IOException {
    Path file = repo.resolve("wordcount.yaml");
    Files.writeString(file, Files.readString(example("wordcount", "pipeline.yaml"))
        .replaceFirst("(?m)^    stateTtl: .*\n(^ {30,}#.*\n)*", ""));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).as("%s", result).containsExactly(file + ": warning: spec.job.stateTtl: the query"
        + " keeps state per key that nothing expires (GroupAggregate): it grows with every new key; set"
        + " job.stateTtl, or STATE_TTL hints per input, unless the keys are a bounded set");
    assertThat(result.err()).contains("1 pipeline(s) checked, all valid");
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
  void whatTheApiServerRefusesIsRefusedInItsWords() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path file = repo.resolve("p.yaml");
    Files.writeString(file, wordcount.replace("parallelism: 1", "parallelism: 5000")
        .replace("    checkpointInterval: 10s", "    checkpointInterval: 10s\n    taskManager:\n      memory: lots"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    assertThat(result.outLines()).as("%s", result).containsExactlyInAnyOrder(
        file + ": spec.job.parallelism: Invalid value: 5000: spec.job.parallelism in body should be less than or"
            + " equal to 1024",
        file + ": spec.job.taskManager.memory: Invalid value: \"lots\": spec.job.taskManager.memory in body should"
            + " match '^[0-9]+(Mi|Gi|m|g)$'",
        // A bound is no blocking error: the API server evaluates the CEL rules too (maxParallelism defaults to 128).
        file + ": spec.job.parallelism: Invalid value: \"object\": spec.job.parallelism must not exceed"
            + " spec.job.maxParallelism");
  }

  @Test
  void anUnknownFieldIsRefusedAsStrictFieldValidationRefusesIt() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path file = repo.resolve("p.yaml");
    Files.writeString(file, wordcount.replace("      format: raw", "      formt: raw"));

    Cli.Result result = Cli.run("validate", "-f", file);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    assertThat(result.outLines()).as("%s", result)
        .containsExactly(file + ": spec.sources[0].formt: unknown field \"spec.sources[0].formt\"");
  }

  @Test
  void jsonOutputListsEveryPipelineWithItsProblems() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path file = repo.resolve("p.yaml");
    Files.writeString(file, wordcount + "---\n" + wordcount.replace("name: wordcount", "name: second")
        .replace("cluster: events", "cluster: Events"));

    Cli.Result result = Cli.run("validate", "-f", file, "--output", "json");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INVALID.code());
    JsonNode report = new ObjectMapper().readTree(result.out());
    assertThat(report.path("version").asText()).isEqualTo(BuildVersion.version());
    assertThat(report.path("valid").asBoolean(true)).isFalse();
    assertThat(report.path("exitCode").asInt()).isEqualTo(1);
    assertThat(report.path("results")).hasSize(2);
    assertThat(report.path("results").get(0).path("name").asText()).isEqualTo("wordcount");
    assertThat(report.path("results").get(0).path("valid").asBoolean()).isTrue();
    assertThat(report.path("results").get(1).path("name").asText()).isEqualTo("second");
    assertThat(report.path("results").get(1).path("problems")).singleElement().satisfies(problem -> {
      assertThat(problem.path("field").asText()).isEqualTo("spec.kafka.cluster");
      assertThat(problem.path("message").asText()).startsWith("Invalid value: \"Events\": spec.kafka.cluster in body");
    });
  }

  @Test
  void theVersionIsTheBuildsAndEveryCommandDocumentsTheExitCodes() {
    Cli.Result version = Cli.run("--version");
    assertThat(version.out().strip()).isEqualTo("streampipeline " + BuildVersion.version());
    assertThat(BuildVersion.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");

    for (String command : List.of("run", "validate", "render", "operator")) {
      assertThat(Cli.run(command, "--help").out()).as(command)
          .contains("Exit codes:", "0   success", "1   invalid pipeline(s)", "2   usage error",
              "3   internal or I/O error", "4   valid, but the upgrade would lose state");
    }
  }

  @Test
  void aBadOptionIsAUsageError() {
    Cli.Result result = Cli.run("validate", "-f", Cli.EXAMPLES, "--output", "xml");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.USAGE.code());
    assertThat(result.errLines()).singleElement().asString().contains("--output");
  }

  @Test
  void anUpdateTheTransitionRulesRefuseIsInvalid() throws IOException {
    String wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    Path running = repo.resolve("running/p.yaml");
    Path next = repo.resolve("next/p.yaml");
    Files.createDirectories(running.getParent());
    Files.createDirectories(next.getParent());
    Files.writeString(running, wordcount);
    Files.writeString(next, wordcount.replace("partitions: 3\n      format: raw", "partitions: 2\n      format: raw"));

    Cli.Result alone = Cli.run("validate", "-f", next);
    Cli.Result update = Cli.run("validate", "-f", next, "--upgrade-from", running, "--no-dry-run");

    assertThat(alone.exitCode()).as("%s", alone).isZero();
    assertThat(update.exitCode()).as("%s", update).isEqualTo(ExitCode.INVALID.code());
    assertThat(update.outLines()).as("%s", update).containsExactly(next + ": spec.sources: Forbidden: "
        + "spec.sources[].partitions cannot decrease (Kafka cannot remove partitions)");
  }

  @Test
  void aMissingFileIsOneLineOnStderr() {
    Cli.Result result = Cli.run("validate", "-f", repo.resolve("nope.yaml"));

    assertThat(result.exitCode()).isEqualTo(ExitCode.INTERNAL.code());
    assertThat(result.errLines()).singleElement().asString().contains("nope.yaml: no such file or directory");
  }
}
