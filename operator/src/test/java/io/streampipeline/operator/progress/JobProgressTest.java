package io.streampipeline.operator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The buckets a count falls in, and the CaughtUp verdict of a poll, row by row. */
class JobProgressTest {

  @ParameterizedTest(name = "{0} records: {1}")
  @CsvSource({
      "0, 0",
      "1, <1k",
      "999, <1k",
      "1000, <10k",
      "9999, <10k",
      "10000, <100k",
      "99999, <100k",
      "100000, <1M",
      "999999, <1M",
      "1000000, >=1M",
      "9223372036854775807, >=1M",
  })
  void countsFallInTheirOrderOfMagnitude(long records, String label) {
    assertThat(Backlog.of(records).label()).isEqualTo(label);
  }

  static Stream<Arguments> polls() {
    return Stream.of(
        Arguments.of("every source below the threshold", Map.of("a", 0L, "b", 999L), true, null, "<1k"),
        Arguments.of("one source at the threshold", Map.of("a", 0L, "b", 1000L), false, "b", "<10k"),
        Arguments.of("the first source behind by name is named", Map.of("a", 5000L, "b", 2_000_000L), false, "a",
            ">=1M"),
        Arguments.of("a source without a reading leaves it open", Map.of("a", 0L), null, "b", "Unknown"),
        Arguments.of("a source known to be behind decides over an unknown one", Map.of("b", 1000L), false, "b",
            "Unknown"),
        Arguments.of("nothing read anywhere yet", Map.of(), null, "a", "Unknown"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("polls")
  void caughtUpWhenEverySourceIsBelowTheThreshold(String row, Map<String, Long> pending, Boolean caughtUp,
      String behind, String worst) {
    JobProgress progress = JobProgress.of(pending, List.of("b", "a"), 1000, 0, 0);
    assertThat(progress.caughtUp()).as("caught up").isEqualTo(caughtUp);
    assertThat(progress.behind()).as("behind").isEqualTo(behind);
    assertThat(progress.worst().label()).as("worst").isEqualTo(worst);
    assertThat(progress.backlogs().keySet()).containsExactly("a", "b");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("polls")
  void pollsInTheSameBucketsAreEqualSoTheyTriggerNoReconcile(String row, Map<String, Long> pending) {
    Map<String, Long> moved = new TreeMap<>();
    // Within each bucket: 0 stays 0, any other count moves toward its bucket's lower bound.
    pending.forEach((source, records) -> moved.put(source, records == 0 ? 0 : lowerBound(records)));
    assertThat(JobProgress.of(moved, List.of("a", "b"), 1000, 7, 0))
        .isEqualTo(JobProgress.of(pending, List.of("a", "b"), 1000, 300, 0));
  }

  private static long lowerBound(long records) {
    return records < 1000 ? 1 : (long) Math.pow(10, Math.floor(Math.log10(records)));
  }
}
