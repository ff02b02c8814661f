package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One source's backlog, coarse. */
@JsonClassDescription("One source's backlog, coarse.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceBacklog {

  @JsonPropertyDescription("The source's name (spec.sources[].name).")
  private String source;
  @JsonPropertyDescription("0, <1k, <10k, <100k, <1M, >=1M records not read yet, or Unknown before the source's first"
      + " reading.")
  private String backlog;

  public SourceBacklog() {}

  public SourceBacklog(String source, String backlog) {
    this.source = source;
    this.backlog = backlog;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getBacklog() {
    return backlog;
  }

  public void setBacklog(String backlog) {
    this.backlog = backlog;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceBacklog s && Objects.equals(source, s.source) && Objects.equals(backlog, s.backlog);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, backlog);
  }
}
