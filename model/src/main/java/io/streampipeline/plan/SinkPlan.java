package io.streampipeline.plan;

import io.streampipeline.model.Format;
import java.util.List;

/**
 * The Kafka sink.
 *
 * @param key result columns serialized as the record key; an updating query is written as an upsert stream
 *     keyed on them
 */
public record SinkPlan(String topic, Format format, List<String> key) {}
