package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates or updates the pipeline's FlinkDeployment; the Flink operator then upgrades the job with its upgrade mode. */
class FlinkDeploymentApplier {

  private static final Logger LOG = LoggerFactory.getLogger(FlinkDeploymentApplier.class);

  private final KubernetesClient client;
  private final ChildRepairs repairs;
  private final Clock clock;

  FlinkDeploymentApplier(KubernetesClient client, ChildRepairs repairs, Clock clock) {
    this.client = client;
    this.repairs = repairs;
    this.clock = clock;
  }

  /**
   * @param heldBack receives why the deployment was left as it is, when someone keeps changing it (see
   *     {@link ChildRepairs})
   * @return the deployment as it now is; null when there is none
   */
  FlinkDeployment apply(FlinkDeployment desired, FlinkDeployment actual, List<ChildRepairs.HeldBack> heldBack) {
    if (!ChildDiff.needsApply(desired, actual, desired.getSpec(), actual == null ? null : actual.getSpec())) {
      return actual;
    }
    Instant now = clock.instant();
    ChildRepairs.Decision decision = repairs.decide(desired, actual, now);
    if (decision instanceof ChildRepairs.HoldBack hold) {
      heldBack.add(ChildRepairs.heldBack(desired, hold));
      return actual;
    }
    ChildRepairs.Write write = (ChildRepairs.Write) decision;
    LOG.info("{} FlinkDeployment {}/{}{}", actual == null ? "Creating" : "Updating",
        desired.getMetadata().getNamespace(), desired.getMetadata().getName(),
        write.repair() ? " (changed or deleted by someone else)" : "");
    FlinkDeployment applied = client.resource(desired).fieldManager(FieldManager.NAME).forceConflicts()
        .serverSideApply();
    repairs.written(desired, write, now);
    return applied;
  }
}
