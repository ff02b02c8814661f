package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SinkSpec extends TopicSpec {

  @Default("json")
  @JsonPropertyDescription("json: each row as a JSON object; raw: a query with one STRING column, written as is.")
  private Format format = Format.JSON;

  @Size(max = 16)
  @JsonPropertyDescription("Result columns that form the Kafka record key (as a JSON object). Required for a"
      + " query that updates earlier rows, such as an aggregate without a window.")
  private List<String> key = new ArrayList<>();

  public Format getFormat() {
    return format;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public List<String> getKey() {
    return key;
  }

  public void setKey(List<String> key) {
    this.key = key;
  }
}
