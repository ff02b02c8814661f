package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.parallelism <= self.maxParallelism",
    message = "spec.job.parallelism must not exceed spec.job.maxParallelism",
    fieldPath = ".parallelism")
public class JobSpec {

  public static final long DEFAULT_CAUGHT_UP_BACKLOG = 1000;

  @Min(1)
  @Max(1024)
  @Default("1")
  @JsonPropertyDescription("Parallelism of the Flink job.")
  private Integer parallelism = 1;

  @Min(1)
  @Max(32768)
  @Default("128")
  @JsonPropertyDescription("Flink's pipeline.max-parallelism: the number of key groups keyed state is split into."
      + " Pinned so that a later parallelism change can restore keyed state; changing it makes keyed state"
      + " unrestorable.")
  private Integer maxParallelism = 128;

  @Default("exactly-once")
  @JsonPropertyDescription("exactly-once (Kafka transactions, default) or at-least-once.")
  private DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;

  @Pattern(Durations.PATTERN)
  @Default("10s")
  @JsonPropertyDescription("Checkpoint interval; with exactly-once, also how often the sink's output becomes visible.")
  private String checkpointInterval = "10s";

  @Min(0)
  @Default("10")
  @JsonPropertyDescription("How many times the job restarts after a failure before it fails for good.")
  private Integer restartAttempts = 10;

  @Pattern(Durations.PATTERN)
  @Default("10s")
  @JsonPropertyDescription("Delay between restarts.")
  private String restartDelay = "10s";

  @JsonPropertyDescription("rocksdb (incremental checkpoints) or hashmap (heap). Default: rocksdb when the query keeps"
      + " keyed state, hashmap otherwise. A change needs upgradeMode savepoint (savepoints are canonical).")
  private StateBackend stateBackend;

  @Pattern(Durations.PATTERN)
  @Size(max = 16)
  @JsonPropertyDescription("How long keyed state of GROUP BY, regular joins, deduplication and ranks is kept after its"
      + " last update, such as 24h or 168h; unset: forever. Per input: the STATE_TTL hint. Turning it on or off"
      + " breaks restoring from a savepoint; changing its value does not.")
  private String stateTtl;

  @Default("savepoint")
  @JsonPropertyDescription("How state is carried across an upgrade: savepoint (default), last-state or stateless.")
  private UpgradeMode upgradeMode = UpgradeMode.SAVEPOINT;

  @Default("false")
  @JsonPropertyDescription("Lets through a change that the operator's upgrade check says would lose or corrupt the"
      + " running job's state (Stalled, reason UpgradeBlocked, otherwise). Such a change is then applied without"
      + " state: the old job is cancelled without a savepoint and the new one starts empty, each source from its"
      + " startingOffsets (default committed: where the consumer group's offsets, committed at the old job's last"
      + " checkpoint, left off), so aggregates, windows and joins start again from the records read after the"
      + " upgrade. Changes that keep state are upgraded with upgradeMode as usual. Set it for that change only.")
  private Boolean allowStateLoss = false;

  @Default("running")
  @JsonPropertyDescription("running, or suspended to stop the job (with a savepoint unless stateless).")
  private JobState state = JobState.RUNNING;

  @JsonPropertyDescription("Job image; defaults to the operator's configured job image.")
  private String image;

  @JsonPropertyDescription("JobManager pod resources.")
  private ResourcesSpec jobManager = new ResourcesSpec();

  @JsonPropertyDescription("TaskManager pod resources.")
  private ResourcesSpec taskManager = new ResourcesSpec();

  @JsonPropertyDescription("Where checkpoints, savepoints and HA data live; replaces the operator's default"
      + " (the Helm chart's job.stateStorage) as a whole.")
  private StateStorageSpec stateStorage;

  @Min(1)
  @Default("1000")
  @JsonPropertyDescription("The CaughtUp condition is True while every source's backlog (records in its Kafka"
      + " partitions the job has not read yet) is below this many records.")
  private Long caughtUpBacklog = DEFAULT_CAUGHT_UP_BACKLOG;

  @JsonPropertyDescription("Extra Flink configuration; keys the operator sets from this spec cannot be overridden.")
  private Map<String, String> flinkConfiguration = new LinkedHashMap<>();

  public Boolean getAllowStateLoss() {
    return allowStateLoss;
  }

  public void setAllowStateLoss(Boolean allowStateLoss) {
    this.allowStateLoss = allowStateLoss;
  }

  public Integer getParallelism() {
    return parallelism;
  }

  public void setParallelism(Integer parallelism) {
    this.parallelism = parallelism;
  }

  public Integer getMaxParallelism() {
    return maxParallelism;
  }

  public void setMaxParallelism(Integer maxParallelism) {
    this.maxParallelism = maxParallelism;
  }

  public DeliveryGuarantee getDelivery() {
    return delivery;
  }

  public void setDelivery(DeliveryGuarantee delivery) {
    this.delivery = delivery;
  }

  public String getCheckpointInterval() {
    return checkpointInterval;
  }

  public void setCheckpointInterval(String checkpointInterval) {
    this.checkpointInterval = checkpointInterval;
  }

  public Integer getRestartAttempts() {
    return restartAttempts;
  }

  public void setRestartAttempts(Integer restartAttempts) {
    this.restartAttempts = restartAttempts;
  }

  public String getRestartDelay() {
    return restartDelay;
  }

  public void setRestartDelay(String restartDelay) {
    this.restartDelay = restartDelay;
  }

  public StateBackend getStateBackend() {
    return stateBackend;
  }

  public void setStateBackend(StateBackend stateBackend) {
    this.stateBackend = stateBackend;
  }

  public String getStateTtl() {
    return stateTtl;
  }

  public void setStateTtl(String stateTtl) {
    this.stateTtl = stateTtl;
  }

  public UpgradeMode getUpgradeMode() {
    return upgradeMode;
  }

  public void setUpgradeMode(UpgradeMode upgradeMode) {
    this.upgradeMode = upgradeMode;
  }

  public JobState getState() {
    return state;
  }

  public void setState(JobState state) {
    this.state = state;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourcesSpec getJobManager() {
    return jobManager;
  }

  public void setJobManager(ResourcesSpec jobManager) {
    this.jobManager = jobManager;
  }

  public ResourcesSpec getTaskManager() {
    return taskManager;
  }

  public void setTaskManager(ResourcesSpec taskManager) {
    this.taskManager = taskManager;
  }

  public StateStorageSpec getStateStorage() {
    return stateStorage;
  }

  public void setStateStorage(StateStorageSpec stateStorage) {
    this.stateStorage = stateStorage;
  }

  public Map<String, String> getFlinkConfiguration() {
    return flinkConfiguration;
  }

  public void setFlinkConfiguration(Map<String, String> flinkConfiguration) {
    this.flinkConfiguration = flinkConfiguration;
  }

  public Long getCaughtUpBacklog() {
    return caughtUpBacklog;
  }

  public void setCaughtUpBacklog(Long caughtUpBacklog) {
    this.caughtUpBacklog = caughtUpBacklog;
  }
}
