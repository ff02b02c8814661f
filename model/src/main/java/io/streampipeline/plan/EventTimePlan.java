package io.streampipeline.plan;

/** Event time from {@code column}, with a watermark that trails the largest seen time by {@code watermarkDelayMs}. */
public record EventTimePlan(String column, long watermarkDelayMs) {}
