package io.streampipeline.job.upgrade;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a pipeline's new version restores the state of its running version, and why not.
 *
 * @param findings one per operator whose state is not carried over as it is, and one for a failed restore
 */
public record UpgradePrediction(Verdict verdict, List<Finding> findings) {

  public enum Verdict {
    /** Every operator's state is restored into an operator that computes the same thing from the same input. */
    COMPATIBLE,
    /** The job starts, but the named operators start without state while the sources resume where they were. */
    STATE_DROPPED,
    /**
     * The state cannot be restored (the restore fails), or Flink would restore it into an operator that now
     * computes something else from it: results would be silently wrong ("incompatible in meaning").
     */
    INCOMPATIBLE
  }

  public enum Change {
    /** An operator with state in the running job has no counterpart in the new one. */
    DROPPED(Verdict.STATE_DROPPED),
    /** A new stateful operator starts empty while the sources it reads resume from their saved positions. */
    STARTS_EMPTY(Verdict.STATE_DROPPED),
    /** Flink would restore the state into an operator of the same ID that computes something else. */
    MEANING_CHANGED(Verdict.INCOMPATIBLE),
    /** Flink refuses the restore (state serializers, or state left without an operator). */
    RESTORE_FAILS(Verdict.INCOMPATIBLE);

    private final Verdict verdict;

    Change(Verdict verdict) {
      this.verdict = verdict;
    }
  }

  /**
   * @param operator the operator as the user recognises it: a source, or the planner's description of the
   *     part of {@code spec.transform.sql} it comes from; null for the whole job
   */
  public record Finding(Change change, String operator, String message) {

    @Override
    public String toString() {
      return (operator == null ? "" : operator + ": ") + message;
    }
  }

  public UpgradePrediction {
    findings = List.copyOf(findings);
  }

  static UpgradePrediction of(List<Finding> findings) {
    Verdict verdict = Verdict.COMPATIBLE;
    for (Finding finding : findings) {
      if (finding.change().verdict.compareTo(verdict) > 0) {
        verdict = finding.change().verdict;
      }
    }
    return new UpgradePrediction(verdict, findings);
  }

  /** This prediction with {@code more} findings. */
  UpgradePrediction with(List<Finding> more) {
    List<Finding> all = new ArrayList<>(findings);
    all.addAll(more);
    return of(all);
  }

  /** Whether restoring the new version keeps every operator's state with its meaning. */
  public boolean keepsState() {
    return verdict == Verdict.COMPATIBLE;
  }

  /** One line for people: the verdict in words. */
  public String summary() {
    switch (verdict) {
      case COMPATIBLE:
        return "compatible: the new version restores all of the running version's state";
      case STATE_DROPPED:
        return "compatible with state dropped: the new version starts, but operators named below lose their state";
      case INCOMPATIBLE:
      default:
        return findings.stream().anyMatch(f -> f.change() == Change.MEANING_CHANGED)
            ? "incompatible in meaning: Flink would restore state into operators that now compute something else"
            : "incompatible: the new version cannot restore the running version's state";
    }
  }
}
