package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.streampipeline.model.Format;
import java.util.List;

/**
 * A Kafka sink.
 *
 * @param key result columns serialized as the record key; an updating query is written as an upsert stream
 *     keyed on them
 * @param name the table name {@code INSERT INTO} statements write, for one of a plan's {@code sinks}; null for
 *     the plan's single {@code sink}, which the whole SQL (one query) writes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SinkPlan(String topic, Format format, List<String> key, String name) {

  @JsonCreator
  public SinkPlan {}

  /** The single sink of a plan, written by its one query. */
  public SinkPlan(String topic, Format format, List<String> key) {
    this(topic, format, key, null);
  }
}
