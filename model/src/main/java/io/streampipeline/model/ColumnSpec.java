package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColumnSpec {

  /** Flink SQL types a JSON field can be read as. */
  public static final String TYPE_PATTERN = "^(STRING|BOOLEAN|INT|BIGINT|FLOAT|DOUBLE|DATE"
      + "|DECIMAL\\(\\d{1,2}, ?\\d{1,2}\\)|TIMESTAMP(\\([0-9]\\))?|TIMESTAMP_LTZ(\\([0-9]\\))?)$";

  @Required
  @Pattern("^[a-zA-Z_][a-zA-Z0-9_]*$")
  @Size(max = 63)
  @JsonPropertyDescription("Column name, also the JSON field name.")
  private String name;

  @Required
  @Pattern(TYPE_PATTERN)
  @Size(max = 32)
  @JsonPropertyDescription("Flink SQL type: STRING, BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DATE, DECIMAL(p,s),"
      + " TIMESTAMP(p) or TIMESTAMP_LTZ(p).")
  private String type;

  @Default("false")
  @JsonPropertyDescription("A record without this field is sent to the dead-letter topic.")
  private Boolean required = false;

  public ColumnSpec() {}

  public ColumnSpec(String name, String type, boolean required) {
    this.name = name;
    this.type = type;
    this.required = required;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public Boolean getRequired() {
    return required;
  }

  public void setRequired(Boolean required) {
    this.required = required;
  }
}
