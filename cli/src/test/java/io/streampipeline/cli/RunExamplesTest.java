package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example through {@code run --until-idle}: a local broker and Flink in this JVM, output record by record. */
class RunExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void wordCountEndsWithTheCountOfEveryWordOfTheInput() throws Exception {
    Path input = example("wordcount", "input.txt");
    Cli.Result result = Cli.run("run", "-f", example("wordcount", "pipeline.yaml"), "--input", input, "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    Map<String, Long> latest = new TreeMap<>();
    for (String line : result.outLines()) {
      String[] keyAndValue = line.split("\t", 2);
      JsonNode key = JSON.readTree(keyAndValue[0]);
      JsonNode value = JSON.readTree(keyAndValue[1]);
      assertThat(value.get("word")).as("value of %s", line).isEqualTo(key.get("word"));
      latest.put(key.get("word").asText(), value.get("cnt").asLong());
    }
    assertThat(latest).as("%s", result).isEqualTo(wordCounts(Files.readAllLines(input)));
    long lines = Files.readAllLines(input).size();
    assertThat(result.errLines()).last().asString()
        .contains(lines + " records in, " + result.outLines().size() + " out, 0 dead-lettered");
  }

  @Test
  void jsonFilterPrintsExactlyTheExpectedRecordsIntoTheOutputFile(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out.txt");
    Cli.Result result = Cli.run("run", "-f", example("json-filter", "pipeline.yaml"),
        "--input", example("json-filter", "input.txt"), "--output", output, "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(Files.readAllLines(output))
        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(example("json-filter", "expected-output.txt")));
  }

  @Test
  void fanOutWritesEachSinksRecordsToItsOwnTopicFromOneJob() throws Exception {
    Cli.Result result = Cli.run("run", "-f", example("fanout", "pipeline.yaml"),
        "--input", example("fanout", "input.txt"), "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).as("%s", result)
        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(example("fanout", "expected-output.txt")));
    assertThat(result.errLines()).last().asString().contains("9 records in, 14 out, 0 dead-lettered");
  }

  @Test
  void windowedCountsClosedWindowsAndDeadLettersTheMalformedLines() throws Exception {
    Cli.Result result = Cli.run("run", "-f", example("windowed", "pipeline.yaml"),
        "--input", example("windowed", "input.txt"), "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).as("%s", result)
        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(example("windowed", "expected-output.txt")));
    assertThat(result.errLines()).last().asString().contains("12 records in, 4 out, 3 dead-lettered");
  }

  @Test
  void enrichmentJoinsEachOrderWithItsCustomerAsOfTheOrdersTime() throws Exception {
    Cli.Result result = Cli.run("run", "-f", example("enrichment", "pipeline.yaml"),
        "--input", "customers=" + example("enrichment", "customers.txt"),
        "--input", example("enrichment", "input.txt"), "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.outLines()).as("%s", result)
        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(example("enrichment", "expected-output.txt")));
    assertThat(result.errLines()).last().asString().contains("14 records in, 7 out, 1 dead-lettered");
  }

  @Test
  void aPartitionWhoseProducerIsAnHourBehindStillGetsEveryWindowCounted() throws Exception {
    Path input = example("late-partition", "input.txt");
    Cli.Result result = Cli.run("run", "-f", example("late-partition", "pipeline.yaml"), "--input", input,
        "--until-idle");

    assertThat(result.exitCode()).as("%s", result).isZero();
    Map<String, Long> expected = new TreeMap<>();
    for (String line : Files.readAllLines(input)) {
      JsonNode click = JSON.readTree(line);
      // The last click of each partition is at 11:00: it closes every earlier window, and its own stays open.
      if (!click.get("page").asText().equals("/flush")) {
        LocalDateTime start = LocalDateTime.parse(click.get("ts").asText()).truncatedTo(ChronoUnit.MINUTES);
        expected.merge(start + "|" + start.plusMinutes(1) + "|" + click.get("page").asText(), 1L, Long::sum);
      }
    }
    Map<String, Long> actual = new TreeMap<>();
    for (String line : result.outLines()) {
      JsonNode window = JSON.readTree(line.split("\t", 2)[1]);
      String key = LocalDateTime.parse(window.get("window_start").asText()) + "|"
          + LocalDateTime.parse(window.get("window_end").asText()) + "|" + window.get("page").asText();
      assertThat(actual.put(key, window.get("page_views").asLong())).as("window printed twice: %s", line).isNull();
    }
    assertThat(actual).as("%s", result).isEqualTo(expected);
  }

  /** What SPLIT_WORDS does, written again: lower-cased runs of letters and digits. */
  private static Map<String, Long> wordCounts(List<String> lines) {
    Map<String, Long> counts = new HashMap<>();
    for (String line : lines) {
      StringBuilder word = new StringBuilder();
      for (int cp : (line.toLowerCase(Locale.ROOT) + " ").codePoints().toArray()) {
        if (Character.isLetter(cp) || Character.isDigit(cp)) {
          word.appendCodePoint(cp);
        } else if (word.length() > 0) {
          counts.merge(word.toString(), 1L, Long::sum);
          word.setLength(0);
        }
      }
    }
    return new TreeMap<>(counts);
  }
}
