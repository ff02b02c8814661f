package io.streampipeline.plan;

import java.io.Serializable;

/**
 * Event time of a source, with a watermark per Kafka partition that trails the largest time seen in it by
 * {@code watermarkDelayMs}.
 *
 * @param column the event-time column, or null for the Kafka record timestamp
 * @param idleTimeoutMs how long a partition may stay without records before it stops holding back the
 *     watermark; 0 for never (a plan written before this field existed reads as 0, its old behaviour)
 */
public record EventTimePlan(String column, long watermarkDelayMs, long idleTimeoutMs) implements Serializable {}
