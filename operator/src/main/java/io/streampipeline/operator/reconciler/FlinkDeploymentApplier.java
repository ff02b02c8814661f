package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.KafkaConnection;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.config.OperatorConfig;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates or updates the pipeline's FlinkDeployment; the Flink operator then upgrades the job with its upgrade mode. */
class FlinkDeploymentApplier {

  private static final Logger LOG = LoggerFactory.getLogger(FlinkDeploymentApplier.class);

  private final KubernetesClient client;
  private final OperatorConfig config;

  FlinkDeploymentApplier(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
  }

  FlinkDeployment apply(StreamPipeline pipeline, FlinkDeployment actual, KafkaConnection connection,
      Long credentialsVersion) {
    FlinkDeployment desired = PipelineChildren.flinkDeployment(pipeline, config, connection, credentialsVersion);
    if (!ChildDiff.needsApply(desired, actual, desired.getSpec(), actual == null ? null : actual.getSpec())) {
      return actual;
    }
    LOG.info("{} FlinkDeployment {}/{}", actual == null ? "Creating" : "Updating",
        desired.getMetadata().getNamespace(), desired.getMetadata().getName());
    return client.resource(desired).fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
  }
}
