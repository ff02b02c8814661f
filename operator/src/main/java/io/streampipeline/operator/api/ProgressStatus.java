package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How far the running job is behind its sources, in orders of magnitude; live counts are metrics. */
@JsonClassDescription("How far the running job is behind its sources, read from its JobManager's REST API every 30"
    + " seconds by default and written only when a value changes bucket (0, <1k, <10k, <100k, <1M, >=1M, or Unknown"
    + " before a source's first reading); exact counts are the job's metrics. Absent while the job is not running.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProgressStatus {

  @JsonPropertyDescription("The backlog of the source furthest behind.")
  private String backlog;
  @JsonPropertyDescription("Each source's backlog: records in its Kafka partitions the job has not read yet (the Kafka"
      + " source's pendingRecords).")
  private List<SourceBacklog> sources = new ArrayList<>();
  @JsonPropertyDescription("Records dropped by the job's event-time operators because they came after their window"
      + " had fired (the lateRecordsDropped metric); anything but 0 means results miss records.")
  private String lateRecordsDropped;
  @JsonPropertyDescription("Kafka transactions of the job's exactly-once sinks whose commit failed after the broker had"
      + " aborted them (the failedCommittables metric; most often a restart that took longer than the transaction"
      + " timeout): anything but 0 means the sink misses records. Flink's counter starts again at 0 when the job"
      + " restarts; the Warning event CommitsFailed stays.")
  private String failedCommits;

  public ProgressStatus() {}

  public ProgressStatus(String backlog, List<SourceBacklog> sources, String lateRecordsDropped, String failedCommits) {
    this.backlog = backlog;
    this.sources = sources;
    this.lateRecordsDropped = lateRecordsDropped;
    this.failedCommits = failedCommits;
  }

  public String getBacklog() {
    return backlog;
  }

  public void setBacklog(String backlog) {
    this.backlog = backlog;
  }

  public List<SourceBacklog> getSources() {
    return sources;
  }

  public void setSources(List<SourceBacklog> sources) {
    this.sources = sources;
  }

  public String getLateRecordsDropped() {
    return lateRecordsDropped;
  }

  public void setLateRecordsDropped(String lateRecordsDropped) {
    this.lateRecordsDropped = lateRecordsDropped;
  }

  public String getFailedCommits() {
    return failedCommits;
  }

  public void setFailedCommits(String failedCommits) {
    this.failedCommits = failedCommits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgressStatus p && Objects.equals(backlog, p.backlog) && Objects.equals(sources, p.sources)
        && Objects.equals(lateRecordsDropped, p.lateRecordsDropped) && Objects.equals(failedCommits, p.failedCommits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(backlog, sources, lateRecordsDropped, failedCommits);
  }
}
