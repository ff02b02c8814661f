package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user asks for: Kafka sources, a Flink SQL transform, a Kafka sink (or several) and a dead-letter topic.
 *
 * <p>The rules below are enforced by the API server at admission (CEL), so that a bad spec never reaches
 * the operator; {@code streampipeline validate} evaluates the same rules from the generated CRD. What CEL
 * cannot express is in {@link io.streampipeline.plan.SpecValidator}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the pipeline should be: Kafka sources, a Flink SQL transform, a Kafka sink (or several), an optional"
    + " dead-letter topic, and how the job runs.")
@ValidationRule(
    value = "self.sources.all(s, self.sources.filter(t, t.name == s.name).size() == 1)",
    message = "spec.sources[].name must be unique",
    fieldPath = ".sources")
@ValidationRule(
    value = "self.sources.all(s, self.sources.filter(t, t.topic == s.topic).size() == 1)",
    message = "spec.sources[].topic must be unique",
    fieldPath = ".sources")
@ValidationRule(
    value = "has(self.sink) != has(self.sinks)",
    message = "exactly one of spec.sink and spec.sinks must be set")
@ValidationRule(
    value = "!has(self.sink) || !self.sources.exists(s, s.topic == self.sink.topic)",
    message = "spec.sink.topic must not also be a source topic",
    fieldPath = ".sink.topic")
@ValidationRule(
    value = "!has(self.sinks) || !self.sinks.exists(k, self.sources.exists(s, s.topic == k.topic))",
    message = "spec.sinks[].topic must not also be a source topic",
    fieldPath = ".sinks")
@ValidationRule(
    value = "!has(self.sinks) || self.sinks.all(k, self.sinks.filter(j, j.topic == k.topic).size() == 1)",
    message = "spec.sinks[].topic must be unique",
    fieldPath = ".sinks")
@ValidationRule(
    value = "!has(self.sinks) || !self.sinks.exists(k, self.sources.exists(s, s.name == k.name))",
    message = "spec.sinks[].name must not also be a source name: both are table names in the SQL",
    fieldPath = ".sinks")
@ValidationRule(
    value = "!has(self.deadLetter) || ((!has(self.sink) || self.deadLetter.topic != self.sink.topic)"
        + " && (!has(self.sinks) || !self.sinks.exists(k, k.topic == self.deadLetter.topic))"
        + " && !self.sources.exists(s, s.topic == self.deadLetter.topic))",
    message = "spec.deadLetter.topic must differ from the sink and source topics",
    fieldPath = ".deadLetter.topic")
@ValidationRule(
    value = "self.sources.all(s, !oldSelf.sources.exists(o, o.name == s.name && o.topic == s.topic"
        + " && o.partitions > s.partitions))",
    message = "spec.sources[].partitions cannot decrease (Kafka cannot remove partitions)",
    reason = "FieldValueForbidden",
    fieldPath = ".sources")
@ValidationRule(
    value = "!has(self.sink) || !has(oldSelf.sink) || self.sink.topic != oldSelf.sink.topic"
        + " || self.sink.partitions >= oldSelf.sink.partitions",
    message = "spec.sink.partitions cannot decrease (Kafka cannot remove partitions)",
    reason = "FieldValueForbidden",
    fieldPath = ".sink.partitions")
@ValidationRule(
    value = "!has(self.sinks) || !has(oldSelf.sinks) || self.sinks.all(k, !oldSelf.sinks.exists(o,"
        + " o.topic == k.topic && o.partitions > k.partitions))",
    message = "spec.sinks[].partitions cannot decrease (Kafka cannot remove partitions)",
    reason = "FieldValueForbidden",
    fieldPath = ".sinks")
@ValidationRule(
    value = "!has(self.deadLetter) || !has(oldSelf.deadLetter) || self.deadLetter.topic != oldSelf.deadLetter.topic"
        + " || self.deadLetter.partitions >= oldSelf.deadLetter.partitions",
    message = "spec.deadLetter.partitions cannot decrease (Kafka cannot remove partitions)",
    reason = "FieldValueForbidden",
    fieldPath = ".deadLetter.partitions")
public class StreamPipelineSpec {

  @Required
  @JsonPropertyDescription("The Kafka cluster the topics live on.")
  private KafkaSpec kafka;

  @Required
  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Kafka topics read by the job; each is a table named after `name` in the SQL.")
  private List<SourceSpec> sources = new ArrayList<>();

  @Required
  @JsonPropertyDescription("The Flink SQL query over the sources.")
  private TransformSpec transform;

  @JsonPropertyDescription("The Kafka topic the query's result is written to. Exactly one of sink and sinks.")
  private SinkSpec sink;

  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Several Kafka topics, each written by the SQL's INSERT INTO <name> SELECT ... statements"
      + " (separated by ';'), all run as one job with one checkpoint. A list keyed by name. Exactly one of sink"
      + " and sinks.")
  private List<NamedSinkSpec> sinks;

  @JsonPropertyDescription("Where records that cannot be read go; without it such records fail the job.")
  private DeadLetterSpec deadLetter;

  @JsonPropertyDescription("How the Flink job runs.")
  private JobSpec job = new JobSpec();

  @JsonPropertyDescription("What happens to the pipeline's topics when it is deleted.")
  private TopicsSpec topics = new TopicsSpec();

  public KafkaSpec getKafka() {
    return kafka;
  }

  public void setKafka(KafkaSpec kafka) {
    this.kafka = kafka;
  }

  public List<SourceSpec> getSources() {
    return sources;
  }

  public void setSources(List<SourceSpec> sources) {
    this.sources = sources;
  }

  public TransformSpec getTransform() {
    return transform;
  }

  public void setTransform(TransformSpec transform) {
    this.transform = transform;
  }

  public SinkSpec getSink() {
    return sink;
  }

  public void setSink(SinkSpec sink) {
    this.sink = sink;
  }

  public List<NamedSinkSpec> getSinks() {
    return sinks;
  }

  public void setSinks(List<NamedSinkSpec> sinks) {
    this.sinks = sinks;
  }

  public DeadLetterSpec getDeadLetter() {
    return deadLetter;
  }

  public void setDeadLetter(DeadLetterSpec deadLetter) {
    this.deadLetter = deadLetter;
  }

  public JobSpec getJob() {
    return job;
  }

  public void setJob(JobSpec job) {
    this.job = job;
  }

  public TopicsSpec getTopics() {
    return topics;
  }

  public void setTopics(TopicsSpec topics) {
    this.topics = topics;
  }
}
