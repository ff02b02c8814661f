package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.ProgressStatus;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.progress.Backlog;
import io.streampipeline.plan.JobMetrics;
import java.util.Objects;
import java.util.function.Function;

/** Emits an event for each transition a user would want to see in {@code kubectl describe sp}. */
public final class TransitionEvents {

  private TransitionEvents() {}

  public static void emit(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
      StreamPipelineStatus after) {
    readyChanged(events, pipeline, before, after);
    lateRecordsStarted(events, pipeline, before, after);
    commitsFailed(events, pipeline, before, after);
  }

  private static void readyChanged(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
      StreamPipelineStatus after) {
    Condition readyBefore = before == null ? null : before.condition(Conditions.READY).orElse(null);
    Condition readyAfter = after.condition(Conditions.READY).orElseThrow();
    boolean readyChanged = readyBefore == null || !Objects.equals(readyBefore.getStatus(), readyAfter.getStatus())
        || !Objects.equals(readyBefore.getReason(), readyAfter.getReason());
    if (!readyChanged) {
      return;
    }
    Phase phaseBefore = before == null ? null : before.getPhase();
    String message = (phaseBefore == null ? "" : phaseBefore + " -> ") + after.getPhase() + ": "
        + readyAfter.getMessage();
    if (after.getPhase() == Phase.Failed || after.getError() != null) {
      events.warning(pipeline, readyAfter.getReason(), message);
    } else {
      events.normal(pipeline, readyAfter.getReason(), message);
    }
  }

  /**
   * A Warning when the job's late records dropped become non-zero: once per run of the job, since Flink's counter
   * starts again at 0 when the job restarts (and the progress is absent while it does).
   */
  private static void lateRecordsStarted(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
      StreamPipelineStatus after) {
    String late = startedCounting(before, after, ProgressStatus::getLateRecordsDropped);
    if (late != null) {
      events.warning(pipeline, Reasons.LATE_RECORDS_DROPPED, "the job dropped " + late + " records that came"
          + " after their window had fired, so results miss them; raise spec.sources[].eventTime.watermarkDelay or"
          + " fix the late producer (metric " + JobMetrics.LATE_RECORDS_DROPPED + ")");
    }
  }

  /** A Warning when the job's failed commits become non-zero, once per run of the job as above. */
  private static void commitsFailed(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
      StreamPipelineStatus after) {
    String failed = startedCounting(before, after, ProgressStatus::getFailedCommits);
    if (failed != null) {
      events.warning(pipeline, Reasons.COMMITS_FAILED, "the commit of " + failed + " Kafka transactions failed after"
          + " the broker had aborted them (their transaction timeout ran out, for instance during a long restart):"
          + " the sink misses their records; the job goes on (metric " + JobMetrics.FAILED_COMMITS + ")");
    }
  }

  /** The count's bucket after, when a count of the progress went from 0 (or no reading) to more; else null. */
  private static String startedCounting(StreamPipelineStatus before, StreamPipelineStatus after,
      Function<ProgressStatus, String> count) {
    String countBefore = before == null || before.getProgress() == null ? null : count.apply(before.getProgress());
    String countAfter = after.getProgress() == null ? null : count.apply(after.getProgress());
    boolean noneBefore = countBefore == null || Backlog.NONE.label().equals(countBefore);
    return noneBefore && countAfter != null && !Backlog.NONE.label().equals(countAfter) ? countAfter : null;
  }
}
