package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a source's records make up its table. */
public enum Changelog {
  /** Every record is a new row: a stream of events. */
  @JsonProperty("append")
  APPEND,
  /**
   * The topic is a table keyed on the source's key columns, as a compacted topic holds it: a record is the
   * latest row of its key (the record key, a JSON object of the key columns), a tombstone deletes the key.
   */
  @JsonProperty("upsert")
  UPSERT
}
