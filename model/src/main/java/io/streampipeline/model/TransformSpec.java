package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TransformSpec {

  @Required
  @Size(min = 1, max = 65536)
  @JsonPropertyDescription("One Flink SQL SELECT over the sources, by name. SPLIT_WORDS(line) is available"
      + " as a table function for word counts.")
  private String sql;

  public TransformSpec() {}

  public TransformSpec(String sql) {
    this.sql = sql;
  }

  public String getSql() {
    return sql;
  }

  public void setSql(String sql) {
    this.sql = sql;
  }
}
