package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --bootstrap-servers}: an existing cluster's topics, and a job resumed from the previous run's savepoint. */
class RunAgainstExistingKafkaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafkaBroker.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void aResumedWordCountCarriesItsCountsOverFromTheSavepoint(@TempDir Path dir) throws Exception {
    for (String topic : List.of("lines", "word-counts", "lines-dlq")) {
      kafka.createTopic(topic, 3, Map.of());
    }
    Path first = dir.resolve("first.txt");
    Path second = dir.resolve("second.txt");
    Files.write(first, List.of("red green", "red blue"));
    Files.write(second, List.of("red yellow", "green"));
    Path pipeline = example("wordcount", "pipeline.yaml");

    Cli.Result run1 = Cli.run("run", "-f", pipeline, "--bootstrap-servers", kafka.bootstrapServers(),
        "--input", first, "--until-idle", "--savepoint-on-stop", dir.resolve("savepoints"));
    assertThat(run1.exitCode()).as("%s", run1).isZero();
    assertThat(latestCounts(run1)).isEqualTo(Map.of("red", 2L, "green", 1L, "blue", 1L));
    Matcher savepoint = Pattern.compile("savepoint (\\S+)").matcher(run1.err());
    assertThat(savepoint.find()).as("%s", run1).isTrue();

    Cli.Result run2 = Cli.run("run", "-f", pipeline, "--bootstrap-servers", kafka.bootstrapServers(),
        "--input", second, "--until-idle", "--from-savepoint", savepoint.group(1));
    assertThat(run2.exitCode()).as("%s", run2).isZero();
    assertThat(latestCounts(run2)).isEqualTo(Map.of("red", 3L, "yellow", 1L, "green", 2L));
  }

  @Test
  void aMissingTopicIsNamed() {
    Path pipeline = example("json-filter", "pipeline.yaml");
    Cli.Result result = Cli.run("run", "-f", pipeline, "--bootstrap-servers", kafka.bootstrapServers(), "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCode.INTERNAL.code());
    assertThat(result.errLines()).as("%s", result).singleElement().asString()
        .contains("topic orders does not exist at " + kafka.bootstrapServers());
  }

  private static Map<String, Long> latestCounts(Cli.Result result) throws Exception {
    Map<String, Long> latest = new HashMap<>();
    for (String line : result.outLines()) {
      JsonNode value = JSON.readTree(line.split("\t", 2)[1]);
      latest.put(value.get("word").asText(), value.get("cnt").asLong());
    }
    return latest;
  }
}
