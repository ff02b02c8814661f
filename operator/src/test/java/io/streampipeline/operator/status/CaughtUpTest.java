package io.streampipeline.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.ProgressStatus;
import io.streampipeline.operator.api.SourceBacklog;
import io.streampipeline.operator.progress.JobProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CaughtUp condition and status.progress from a phase and the latest poll, one row per path. */
class CaughtUpTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final JobProgress BEHIND = JobProgress.of(Map.of("lines", 25_000L), List.of("lines"), 1000, 0, 0);
  private static final JobProgress CAUGHT_UP = JobProgress.of(Map.of("lines", 3L), List.of("lines"), 1000, 12, 0);
  private static final JobProgress NO_READING = JobProgress.of(Map.of(), List.of("lines"), 1000, 0, 0);

  static Stream<Arguments> paths() {
    return Stream.of(
        Arguments.of("job upgrading", Phase.Upgrading, CAUGHT_UP, "False", Reasons.JOB_NOT_RUNNING,
            "the job is not running (phase Upgrading)", null),
        Arguments.of("running, not polled yet", Phase.Running, null, "False", Reasons.BACKLOG_UNKNOWN,
            "waiting for the first reading of the job's backlog from its JobManager", null),
        Arguments.of("running, no reading for a source", Phase.Running, NO_READING, "False", Reasons.BACKLOG_UNKNOWN,
            "source lines has no backlog reading yet (it reports one once a fetch returns records)",
            new ProgressStatus("Unknown", List.of(new SourceBacklog("lines", "Unknown")), "0", "0")),
        Arguments.of("running, behind", Phase.Running, BEHIND, "False", Reasons.BACKLOG_ABOVE_THRESHOLD,
            "source lines has <100k records to read, not below spec.job.caughtUpBacklog (1000)",
            new ProgressStatus("<100k", List.of(new SourceBacklog("lines", "<100k")), "0", "0")),
        Arguments.of("running, caught up", Phase.Running, CAUGHT_UP, "True", Reasons.CAUGHT_UP,
            "every source's backlog is below 1000 records",
            new ProgressStatus("<1k", List.of(new SourceBacklog("lines", "<1k")), "<1k", "0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void conditionAndProgress(String row, Phase phase, JobProgress progress, String status, String reason,
      String message, ProgressStatus shown) {
    Condition condition = CaughtUp.condition(List.of(), phase, progress, 1000, 3, NOW);
    assertThat(condition.getType()).isEqualTo("CaughtUp");
    assertThat(condition).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly(status, reason, message);
    assertThat(CaughtUp.progress(phase, progress)).isEqualTo(shown);
  }

  @Test
  void theTransitionTimeMovesOnlyWhenTheConditionFlips() {
    Condition behind = CaughtUp.condition(List.of(), Phase.Running, BEHIND, 1000, 3, NOW);
    Condition stillBehind = CaughtUp.condition(List.of(behind), Phase.Running,
        JobProgress.of(Map.of("lines", 99_000L), List.of("lines"), 1000, 0, 0), 1000, 3, NOW.plusSeconds(60));
    assertThat(stillBehind).isEqualTo(behind);
    Condition caughtUp = CaughtUp.condition(List.of(stillBehind), Phase.Running, CAUGHT_UP, 1000, 3,
        NOW.plusSeconds(120));
    assertThat(caughtUp.getLastTransitionTime()).isEqualTo(NOW.plusSeconds(120).toString());
  }
}
