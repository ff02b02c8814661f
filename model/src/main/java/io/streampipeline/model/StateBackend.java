package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a job keeps its keyed state; the values of Flink's {@code state.backend.type}. */
public enum StateBackend {
  /** On local disk in RocksDB, checkpointed incrementally: state larger than memory, small checkpoints. */
  @JsonProperty("rocksdb")
  ROCKSDB("rocksdb"),
  /** Objects on the JVM heap, checkpointed whole: fastest, for state that fits in memory. */
  @JsonProperty("hashmap")
  HASHMAP("hashmap");

  private final String flinkName;

  StateBackend(String flinkName) {
    this.flinkName = flinkName;
  }

  public String flinkName() {
    return flinkName;
  }
}
