package io.streampipeline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.Objects;

/**
 * Kubernetes-convention conditions: a transition time that moves only when the status flips. Besides ours, the
 * two that kstatus (Flux, {@code kubectl wait}, cli-utils) reads: {@code Reconciling} while the operator works
 * toward the spec and {@code Stalled} when it cannot progress without a change; both always present, False when
 * they do not apply, so that {@code kubectl wait --for=condition=Stalled=false} works too.
 */
public final class Conditions {

  public static final String TOPICS_READY = "TopicsReady";
  public static final String JOB_READY = "JobReady";
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  /** Every source's backlog is below the spec's threshold; see {@link CaughtUp}. Independent of Ready. */
  public static final String CAUGHT_UP = "CaughtUp";

  /** Ready=False reasons that no retry can fix: the spec (or a person) has to change something. */
  static final Set<String> STALLED_REASONS = Set.of(Reasons.INVALID_SPEC, Reasons.JOB_FAILED, Reasons.FLINK_ERROR,
      Reasons.UPGRADE_FAILED, Reasons.UPGRADE_STUCK, Reasons.KAFKA_AUTHENTICATION_REQUIRED,
      Reasons.KAFKA_AUTHENTICATION_NOT_OFFERED, Reasons.KAFKA_TLS_NOT_OFFERED, Reasons.KAFKA_USER_CONFLICT,
      Reasons.KAFKA_USER_REFUSED, Reasons.KAFKA_SECRET_NOT_WATCHED, Reasons.KAFKA_SECRET_KEY_MISSING,
      Reasons.CHILD_CHANGED_EXTERNALLY,
      Reasons.UPGRADE_BLOCKED, Reasons.UPGRADE_CHECK_FAILED);

  private Conditions() {}

  /** Whether Ready=False with this reason needs a change by someone (see {@link #STALLED_REASONS}). */
  public static boolean isStalledReason(String reason) {
    return STALLED_REASONS.contains(reason);
  }

  static Condition next(List<Condition> previous, String type, boolean status, String reason, String message,
      long generation, Instant now) {
    String value = status ? "True" : "False";
    String since = previous.stream()
        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /**
   * Reconciling and Stalled, derived from the Ready condition so that the three can never disagree: Ready=True
   * is neither; a Ready=False reason in {@link #STALLED_REASONS} is Stalled; any other Ready=False is Reconciling
   * (including waiting on a Kafka cluster or CRDs that a GitOps sync usually creates in the same wave).
   */
  static List<Condition> kstatus(List<Condition> previous, Condition ready, long generation, Instant now) {
    boolean isReady = "True".equals(ready.getStatus());
    boolean stalled = !isReady && STALLED_REASONS.contains(ready.getReason());
    boolean reconciling = !isReady && !stalled;
    return List.of(
        next(previous, RECONCILING, reconciling, ready.getReason(),
            reconciling ? ready.getMessage() : "the operator is not working toward a change", generation, now),
        next(previous, STALLED, stalled, ready.getReason(),
            stalled ? ready.getMessage() : "nothing holds the pipeline back that needs a change", generation, now));
  }
}
