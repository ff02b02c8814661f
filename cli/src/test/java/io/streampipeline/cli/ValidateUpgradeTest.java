package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate --upgrade-from}: whether a new version of a pipeline keeps its running version's state. */
class ValidateUpgradeTest {

  private static final String COUNT = "GROUP BY word";
  private static final String COUNT_LONG_WORDS = "WHERE CHAR_LENGTH(word) > 3\n      GROUP BY word";

  @TempDir
  Path dir;

  private String wordcount;
  private Path running;
  private Path next;

  @BeforeEach
  void readExample() throws IOException {
    wordcount = Files.readString(example("wordcount", "pipeline.yaml"));
    running = dir.resolve("running.yaml");
    next = dir.resolve("next.yaml");
    Files.writeString(running, wordcount);
  }

  @Test
  void anUnchangedPipelineRestoresItsStateInADryRun() throws IOException {
    Files.writeString(next, wordcount.replace("checkpointInterval: 10s", "checkpointInterval: 20s"));

    Cli.Result result = Cli.run("validate", "--upgrade-from", running, "-f", next);

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).as("%s", result).containsExactly(
        next + ": upgrade: compatible: the new version restores all of the running version's state");
    assertThat(result.err()).contains("1 pipeline(s) checked, all valid, 0 upgrade(s) losing state");
  }

  @Test
  void aFilterUpstreamOfTheCountIsIncompatibleInMeaningWithItsOwnExitCode() throws IOException {
    Files.writeString(next, wordcount.replace(COUNT, COUNT_LONG_WORDS));

    Cli.Result result = Cli.run("validate", "--no-dry-run", "--upgrade-from", running, "-f", next);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.UPGRADE_LOSES_STATE.code());
    assertThat(result.outLines()).as("%s", result).hasSize(2);
    assertThat(result.outLines().get(0)).startsWith(next + ": upgrade: incompatible in meaning: ");
    assertThat(result.outLines().get(1))
        .startsWith(next + ": upgrade: GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS cnt]): ")
        .contains("Flink would restore its state without complaint");
    assertThat(result.err()).contains("1 upgrade(s) losing state");
  }

  @Test
  void theJsonReportCarriesEachPipelinesUpgradeAndTheExitCode() throws IOException {
    Files.writeString(next, wordcount.replace(COUNT, COUNT_LONG_WORDS));

    Cli.Result result = Cli.run("validate", "--no-dry-run", "--output", "json", "--upgrade-from", running, "-f", next);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.UPGRADE_LOSES_STATE.code());
    JsonNode report = new ObjectMapper().readTree(result.out());
    assertThat(report.get("exitCode").asInt()).isEqualTo(ExitCode.UPGRADE_LOSES_STATE.code());
    JsonNode upgrade = report.get("results").get(0).get("upgrade");
    assertThat(upgrade).as("%s", report).hasSize(2);
    assertThat(upgrade.get(0).asText()).startsWith("incompatible in meaning: ");
    assertThat(upgrade.get(1).asText()).startsWith("GroupAggregate(groupBy=[word]");
  }

  @Test
  void anInvalidNewVersionIsAProblemBeforeItsUpgradeIsChecked() throws IOException {
    Files.writeString(next, wordcount.replace(COUNT, "GROUP BY wrd"));

    Cli.Result result = Cli.run("validate", "--no-dry-run", "--upgrade-from", running, "-f", next);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.outLines()).as("%s", result).singleElement().asString()
        .startsWith(next + ": spec.transform.sql: ");
  }

  @Test
  void aNewPipelineHasNoStateToKeep() throws IOException {
    Files.writeString(next, wordcount.replace("name: wordcount", "name: another"));

    Cli.Result result = Cli.run("validate", "--no-dry-run", "--upgrade-from", running, "-f", next);

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).containsExactly(
        next + ": upgrade: a new pipeline: no running version to restore");
  }

  @Test
  void theRunningVersionsCanComeFromAGitRevisionOfTheSamePaths() throws Exception {
    Path repo = dir.resolve("repo");
    Path pipeline = repo.resolve("apps/wordcount.yaml");
    Files.createDirectories(pipeline.getParent());
    Files.writeString(pipeline, wordcount);
    git(repo, "init", "-q");
    git(repo, "add", ".");
    git(repo, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "running");
    Files.writeString(pipeline, wordcount.replace(COUNT, COUNT_LONG_WORDS));

    Cli.Result changed = Cli.run("validate", "--no-dry-run", "--upgrade-from", "git:HEAD", "-f", repo.resolve("apps"));
    git(repo, "checkout", "-q", "--", ".");
    Cli.Result unchanged = Cli.run("validate", "--no-dry-run", "--upgrade-from", "git:HEAD", "-f", repo.resolve("apps"));

    assertThat(changed.exitCode()).as("%s", changed).isEqualTo(ExitCode.UPGRADE_LOSES_STATE.code());
    assertThat(changed.outLines().get(0)).startsWith(pipeline + ": upgrade: incompatible in meaning");
    assertThat(unchanged.exitCode()).as("%s", unchanged).isZero();
    assertThat(unchanged.outLines()).singleElement().asString().contains("upgrade: compatible");
  }

  @Test
  void anUnknownRevisionIsOneLineNamingIt() throws IOException {
    Files.writeString(next, wordcount);

    Cli.Result result = Cli.run("validate", "--no-dry-run", "--upgrade-from", "git:no-such-revision", "-f", next);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.USAGE.code());
    assertThat(result.errLines()).as("%s", result).first().asString()
        .startsWith("streampipeline: --upgrade-from: git ls-tree").contains("no-such-revision");
  }

  private static void git(Path repo, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("git %s", List.of(args)).isZero();
  }
}
