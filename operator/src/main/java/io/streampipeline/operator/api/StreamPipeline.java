package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.streampipeline.model.StreamPipelineSpec;

/**
 * A Kafka → Flink SQL → Kafka pipeline; the operator turns it into KafkaTopics and a FlinkDeployment.
 *
 * <p>The printer columns are listed in the order {@code kubectl get} shows them: the CRD generator sorts them by
 * name, and {@link CrdConventions} puts them back in this order after generation.
 */
@Group(StreamPipeline.GROUP)
@Version(StreamPipeline.VERSION)
@ShortNames("sp")
@Categories("streampipeline")
@JsonClassDescription("A Kafka to Flink SQL to Kafka pipeline. The operator creates a Strimzi KafkaTopic per topic"
    + " and, once every topic is Ready, a FlinkDeployment running the SQL; the status reports their progress.")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING,
    getDescription = "Where the pipeline is on its way to a running job")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING, getDescription = "Whether the pipeline is as its spec asks (the Ready condition)")
@AdditionalPrinterColumn(name = "Topics", jsonPath = ".status.topicsReady", type = Type.STRING,
    getDescription = "Kafka topics ready out of all")
@AdditionalPrinterColumn(name = "Job", jsonPath = ".status.job.state", type = Type.STRING,
    getDescription = "The Flink job's state")
@AdditionalPrinterColumn(name = "Backlog", jsonPath = ".status.progress.backlog", type = Type.STRING,
    getDescription = "Records the job has not read yet, for the source furthest behind (0, <1k, ... >=1M)")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE,
    getDescription = "Time since the pipeline was created")
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.conditions[?(@.type==\"Ready\")].message",
    type = Type.STRING, priority = 1, getDescription = "Why the pipeline is or is not Ready")
public class StreamPipeline extends CustomResource<StreamPipelineSpec, StreamPipelineStatus> implements Namespaced {

  public static final String GROUP = "streampipeline.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected StreamPipelineStatus initStatus() {
    return new StreamPipelineStatus();
  }
}
