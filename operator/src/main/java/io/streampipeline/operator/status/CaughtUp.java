package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.ProgressStatus;
import io.streampipeline.operator.api.SourceBacklog;
import io.streampipeline.operator.progress.JobProgress;
import java.time.Instant;
import java.util.List;

/**
 * The {@code CaughtUp} condition and {@code status.progress}, from the latest poll of the job's progress. Their
 * messages name buckets and the threshold, never live counts, so that they change only when the poll's coarse value
 * does: a settled pipeline writes nothing, and a moving one at most once per poll.
 */
final class CaughtUp {

  private CaughtUp() {}

  /**
   * @param progress the latest poll; null before the first one (or while the job is not running)
   * @param threshold the spec's {@code job.caughtUpBacklog}
   */
  static Condition condition(List<Condition> previous, Phase phase, JobProgress progress, long threshold,
      long generation, Instant now) {
    if (phase != Phase.Running) {
      return Conditions.next(previous, Conditions.CAUGHT_UP, false, Reasons.JOB_NOT_RUNNING,
          "the job is not running (phase " + phase + ")", generation, now);
    }
    if (progress == null) {
      return Conditions.next(previous, Conditions.CAUGHT_UP, false, Reasons.BACKLOG_UNKNOWN,
          "waiting for the first reading of the job's backlog from its JobManager", generation, now);
    }
    if (progress.caughtUp() == null) {
      return Conditions.next(previous, Conditions.CAUGHT_UP, false, Reasons.BACKLOG_UNKNOWN, "source "
          + progress.behind() + " has no backlog reading yet (it reports one once a fetch returns records)",
          generation, now);
    }
    if (!progress.caughtUp()) {
      return Conditions.next(previous, Conditions.CAUGHT_UP, false, Reasons.BACKLOG_ABOVE_THRESHOLD, "source "
          + progress.behind() + " has " + progress.backlogs().get(progress.behind()).label()
          + " records to read, not below spec.job.caughtUpBacklog (" + threshold + ")", generation, now);
    }
    return Conditions.next(previous, Conditions.CAUGHT_UP, true, Reasons.CAUGHT_UP,
        "every source's backlog is below " + threshold + " records", generation, now);
  }

  /** What {@code status.progress} shows: null while the job is not running or before the first poll. */
  static ProgressStatus progress(Phase phase, JobProgress progress) {
    if (phase != Phase.Running || progress == null) {
      return null;
    }
    return new ProgressStatus(progress.worst().label(), progress.backlogs().entrySet().stream()
        .map(e -> new SourceBacklog(e.getKey(), e.getValue().label())).toList(),
        progress.lateRecordsDropped().label(), progress.failedCommits().label());
  }
}
