package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.UpgradeCheckStatus;
import io.streampipeline.operator.children.PlanChange;
import io.streampipeline.operator.children.UpgradeCheckJob;
import io.streampipeline.operator.status.FlinkJobObservation;
import io.streampipeline.operator.status.Reasons;
import io.streampipeline.operator.status.UpgradeHold;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;

/**
 * Lets a change of the job's plan reach the FlinkDeployment only when it keeps the running job's state, as an
 * {@link UpgradeChecks upgrade check} in the cluster says; the verdict is kept on the status
 * ({@code status.upgradeCheck}) and in memory, so a resync or a restarted operator never checks the same change
 * twice. A change
 * that would lose or corrupt state is held back (the FlinkDeployment untouched, the running job running) until the
 * spec is reverted, or applied without state when {@code spec.job.allowStateLoss} is true.
 */
class UpgradeGate {

  /**
   * What to do with the desired FlinkDeployment.
   *
   * @param apply the FlinkDeployment to write; null while the change is held back
   * @param hold why the change is held back; null when it is applied
   * @param check the upgrade check to keep on the status
   */
  record Decision(FlinkDeployment apply, UpgradeHold hold, UpgradeCheckStatus check) {}

  /** Pipelines kept in {@link #recent}: more than a cluster's pipelines, a bound on the memory of deleted ones. */
  private static final int RECENT = 10_000;

  private final UpgradeChecks checks;
  private final ChildRepairs repairs;
  /**
   * The latest verdict per pipeline uid, besides the status: a reconcile that starts before the informer has the
   * status just written (the check Job's deletion triggers one at once) must neither start the same check again nor
   * write the status back without the verdict.
   */
  private final Map<String, UpgradeCheckStatus> recent = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UpgradeCheckStatus> eldest) {
          return size() > RECENT;
        }
      });

  UpgradeGate(UpgradeChecks checks, ChildRepairs repairs) {
    this.checks = checks;
    this.repairs = repairs;
  }

  Decision decide(StreamPipeline pipeline, FlinkDeployment desired, FlinkDeployment running, Collection<Job> checkJobs) {
    String uid = pipeline.getMetadata().getUid();
    // This operator's latest verdict first: the pipeline at hand may predate the status it wrote last.
    UpgradeCheckStatus remembered = recent.get(uid);
    UpgradeCheckStatus last = remembered != null ? remembered
        : pipeline.getStatus() == null ? null : pipeline.getStatus().getUpgradeCheck();
    if (running == null || repairs.isLastWritten(desired)) {
      // No job yet, or the FlinkDeployment was changed by someone else: putting back what was checked is no upgrade.
      return new Decision(desired, null, last);
    }
    Optional<PlanChange> found = PlanChange.between(running, desired);
    FlinkJobObservation flink = FlinkJobObservation.of(running);
    if (found.isEmpty()) {
      keepStatelessUntilAnotherChange(desired, running, flink);
      return new Decision(desired, null, last);
    }
    boolean hasState = flink.deployedBefore() || flink.lastSavepoint() != null;
    if (!hasState || desired.getSpec().getJob().getUpgradeMode() == UpgradeMode.STATELESS) {
      return new Decision(desired, null, last);
    }
    PlanChange change = found.get();
    String checkName = UpgradeCheckJob.name(pipeline.getMetadata().getName(), change);
    UpgradeCheckStatus cached = last != null && last.isFor(change.fromHash(), change.toHash()) ? last : null;
    // A failed check's verdict holds while its Job is kept; once the Job's TTL removes it, the check runs again.
    boolean known = cached != null && (!UpgradeChecks.FAILED.equals(cached.getVerdict())
        || checkJobs.stream().anyMatch(j -> checkName.equals(j.getMetadata().getName())));
    UpgradeCheckStatus verdict = known ? cached
        : checks.verdict(pipeline, change, desired.getSpec().getImage(), checkJobs).orElse(null);
    if (verdict != null) {
      recent.put(uid, verdict);
    }
    if (verdict == null) {
      return new Decision(null, new UpgradeHold(Reasons.CHECKING_UPGRADE, "checking whether the change keeps the"
          + " running job's state (Job " + checkName + "); the job runs the previous version meanwhile", false), last);
    }
    if (UpgradeChecks.FAILED.equals(verdict.getVerdict())) {
      return new Decision(null, new UpgradeHold(Reasons.UPGRADE_CHECK_FAILED, "the change is not applied: checking"
          + " whether it keeps the running job's state failed (" + verdict.getMessage() + "); the check runs again"
          + " an hour after it failed, or at the next change", true), verdict);
    }
    if (UpgradeChecks.COMPATIBLE.equals(verdict.getVerdict())) {
      return new Decision(desired, null, verdict);
    }
    if (Boolean.TRUE.equals(pipeline.getSpec().getJob().getAllowStateLoss())) {
      // The Flink operator reads the new spec's upgrade mode: the old job is cancelled and the new one starts empty.
      desired.getSpec().getJob().setUpgradeMode(UpgradeMode.STATELESS);
      return new Decision(desired, null, verdict);
    }
    return new Decision(null, new UpgradeHold(Reasons.UPGRADE_BLOCKED, "the change would lose or corrupt the"
        + " running job's state and is not applied (the job runs the previous version): " + verdict.getMessage()
        + ". Revert it, or set spec.job.allowStateLoss: true to apply it without state", true), verdict);
  }

  /**
   * A change applied without state is written with upgrade mode stateless. The Flink operator reads the mode when it
   * upgrades and ignores a change of the mode alone, so the spec's mode is not written back on its own (that would
   * be a write without effect, and, before the Flink operator has acted on the change, could make it restore the
   * state after all): it comes back with the next change of anything else, such as a suspend, which then uses it.
   */
  private static void keepStatelessUntilAnotherChange(FlinkDeployment desired, FlinkDeployment running,
      FlinkJobObservation flink) {
    UpgradeMode specified = desired.getSpec().getJob().getUpgradeMode();
    if (running.getSpec().getJob().getUpgradeMode() != UpgradeMode.STATELESS || specified == UpgradeMode.STATELESS) {
      return;
    }
    desired.getSpec().getJob().setUpgradeMode(UpgradeMode.STATELESS);
    if (flink.caughtUp() && ChildDiff.needsApply(desired, running, desired.getSpec(), running.getSpec())) {
      desired.getSpec().getJob().setUpgradeMode(specified);
    }
  }
}
