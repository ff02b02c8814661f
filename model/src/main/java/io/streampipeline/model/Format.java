package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a topic's record values are encoded. */
public enum Format {
  /** The value is one UTF-8 string, seen in SQL as the single column {@code line}. */
  @JsonProperty("raw")
  RAW,
  /** The value is a JSON object whose fields are the declared schema's columns. */
  @JsonProperty("json")
  JSON
}
