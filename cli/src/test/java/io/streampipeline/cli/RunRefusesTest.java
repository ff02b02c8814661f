package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code run}: exit code 1, one line naming the field or the cause, and nothing left running. */
class RunRefusesTest {

  @TempDir
  Path dir;

  private Set<Thread> threadsBefore;

  @BeforeEach
  void rememberThreads() {
    threadsBefore = Thread.getAllStackTraces().keySet();
  }

  @AfterEach
  void nothingLeftRunning() {
    await("threads the run started to end").pollInSameThread().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(threadsStartedByTheTest()).isEmpty());
  }

  @Test
  void malformedYamlIsNamedByLine() throws IOException {
    assertRefused(pipeline("key: [word]", "key: [word"), "YAML: malformed at line");
  }

  @Test
  void unknownFieldIsNamedByItsPath() throws IOException {
    assertRefused(pipeline("      partitions: 3\n      format: raw", "      partitions: 3\n      partition: 3\n      format: raw"),
        "spec.sources[0].partition: unknown field");
  }

  @Test
  void anotherKindIsRefused() throws IOException {
    assertRefused(pipeline("kind: StreamPipeline", "kind: Deployment"), "kind: expected StreamPipeline, found Deployment");
  }

  @Test
  void anotherApiVersionIsRefused() throws IOException {
    assertRefused(pipeline("apiVersion: streampipeline.io/v1alpha1", "apiVersion: streampipeline.io/v1"),
        "apiVersion: expected streampipeline.io/v1alpha1, found streampipeline.io/v1");
  }

  @Test
  void sqlNamingAMissingSourceIsRefusedNamingTheTable() throws IOException {
    assertRefused(pipeline("FROM lines,", "FROM clicks,"),
        "spec.transform.sql: reads table 'clicks', which is not a source (sources: lines)");
  }

  @Test
  void sqlThatDoesNotParseIsRefusedWithFlinksPosition() throws IOException {
    Cli.Result result = assertRefused(pipeline("GROUP BY word", "GROUP word"), "spec.transform.sql: ");
    assertThat(result.err()).contains("line 3, column 7");
  }

  @Test
  void sqlNamingAMissingColumnIsRefused() throws IOException {
    Cli.Result result = assertRefused(pipeline("SPLIT_WORDS(line)", "SPLIT_WORDS(text)"), "spec.transform.sql: ");
    assertThat(result.err()).contains("Column 'text' not found");
  }

  @Test
  void aBrokerPortInUseIsRefusedAndTheRunLeavesNothingBehind() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
      int port = taken.getLocalPort();
      assertRefusedBy(ExitCode.INTERNAL, example("wordcount", "pipeline.yaml"), "port " + port + " is already in use", "--port", port);
    }
  }

  @Test
  void anUnreachableBrokerIsRefusedWithinSeconds() throws IOException {
    int port = freePort();
    long started = System.nanoTime();
    assertRefusedBy(ExitCode.INTERNAL, example("wordcount", "pipeline.yaml"), "cannot reach Kafka at localhost:" + port + " within 5s",
        "--bootstrap-servers", "localhost:" + port);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void theBrokerPortIsFreeAgainAfterARefusedRun() throws IOException {
    int port = freePort();
    assertRefused(pipeline("SPLIT_WORDS(line)", "SPLIT_WORDS(text)"), "spec.transform.sql", "--port", port);
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
    }
  }

  /** A pipeline that cannot run as written: exit code 1. */
  private Cli.Result assertRefused(Path pipeline, String message, Object... options) {
    return assertRefusedBy(ExitCode.INVALID, pipeline, message, options);
  }

  private Cli.Result assertRefusedBy(ExitCode code, Path pipeline, String message, Object... options) {
    List<Object> args = new java.util.ArrayList<>(List.of("run", "-f", pipeline, "--input",
        example("wordcount", "input.txt"), "--until-idle"));
    args.addAll(List.of(options));
    Cli.Result result = Cli.run(args.toArray());
    assertThat(result.exitCode()).as("%s", result).isEqualTo(code.code());
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).as("%s", result).hasSize(1);
    assertThat(result.err()).as("%s", result).startsWith("streampipeline: ").contains(message).doesNotContain("\tat ");
    return result;
  }

  /** The word-count example with one piece of text replaced. */
  private Path pipeline(String text, String replacement) throws IOException {
    String yaml = Files.readString(example("wordcount", "pipeline.yaml"));
    assertThat(yaml).contains(text);
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, yaml.replace(text, replacement));
    return file;
  }

  private List<String> threadsStartedByTheTest() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !threadsBefore.contains(t) && t.isAlive())
        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool") && !t.getName().equals("process reaper"))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      return socket.getLocalPort();
    }
  }
}
