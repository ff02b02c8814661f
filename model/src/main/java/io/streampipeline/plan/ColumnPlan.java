package io.streampipeline.plan;

/**
 * A source column.
 *
 * @param type a Flink SQL type name, such as {@code BIGINT} or {@code TIMESTAMP(3)}
 * @param required a record without it is dead-lettered rather than read as NULL
 */
public record ColumnPlan(String name, String type, boolean required) {}
