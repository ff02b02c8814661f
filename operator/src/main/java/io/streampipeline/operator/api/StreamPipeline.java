package io.streampipeline.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.streampipeline.model.StreamPipelineSpec;

/** A Kafka → Flink SQL → Kafka pipeline; the operator turns it into KafkaTopics and a FlinkDeployment. */
@Group(StreamPipeline.GROUP)
@Version(StreamPipeline.VERSION)
@ShortNames("sp")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Topics", jsonPath = ".status.topicsReady", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Job", jsonPath = ".status.job.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class StreamPipeline extends CustomResource<StreamPipelineSpec, StreamPipelineStatus> implements Namespaced {

  public static final String GROUP = "streampipeline.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected StreamPipelineStatus initStatus() {
    return new StreamPipelineStatus();
  }
}
