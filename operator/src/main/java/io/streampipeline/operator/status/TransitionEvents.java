package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.progress.Backlog;
import io.streampipeline.plan.JobMetrics;
import java.util.Objects;

/** Emits an event for each transition a user would want to see in {@code kubectl describe sp}. */
public final class TransitionEvents {

  private TransitionEvents() {}

  public static void emit(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
      StreamPipelineStatus after) {
    readyChanged(events, pipeline, before, after);
    lateRecordsStarted(events, pipeline, before, after);
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
    String lateBefore = before == null || before.getProgress() == null ? null
        : before.getProgress().getLateRecordsDropped();
    String lateAfter = after.getProgress() == null ? null : after.getProgress().getLateRecordsDropped();
    boolean noneBefore = lateBefore == null || Backlog.NONE.label().equals(lateBefore);
    if (noneBefore && lateAfter != null && !Backlog.NONE.label().equals(lateAfter)) {
      events.warning(pipeline, Reasons.LATE_RECORDS_DROPPED, "the job dropped " + lateAfter + " records that came"
          + " after their window had fired, so results miss them; raise spec.sources[].eventTime.watermarkDelay or"
          + " fix the late producer (metric " + JobMetrics.LATE_RECORDS_DROPPED + ")");
    }
  }
}
