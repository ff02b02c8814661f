package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import java.util.Objects;

/** Emits an event for each transition a user would want to see in {@code kubectl describe sp}. */
public final class TransitionEvents {

  private TransitionEvents() {}

  public static void emit(EventRecorder events, StreamPipeline pipeline, StreamPipelineStatus before,
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
}
