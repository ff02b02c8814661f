package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One of several sinks: a Kafka topic written by the {@code INSERT INTO <name>} statements of the SQL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamedSinkSpec extends SinkSpec {

  @Required
  @Pattern(SourceSpec.NAME_PATTERN)
  @Size(max = 63)
  @JsonPropertyDescription("The table name that INSERT INTO statements of the SQL write to; unique among sinks,"
      + " and not a source's name.")
  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
