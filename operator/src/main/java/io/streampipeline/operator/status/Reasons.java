package io.streampipeline.operator.status;

/** Machine-readable condition reasons (CamelCase, as Kubernetes conventions ask). */
public final class Reasons {
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String STATE_STORAGE_UNUSABLE = "StateStorageUnusable";
  public static final String MISSING_APIS = "MissingCustomResourceDefinitions";
  public static final String KAFKA_CLUSTER_NOT_FOUND = "KafkaClusterNotFound";
  public static final String KAFKA_LISTENER_NOT_FOUND = "KafkaListenerNotFound";
  public static final String KAFKA_LISTENER_NOT_READY = "KafkaListenerNotReady";
  public static final String KAFKA_AUTHENTICATION_REQUIRED = "KafkaAuthenticationRequired";
  public static final String KAFKA_AUTHENTICATION_NOT_OFFERED = "KafkaAuthenticationNotOffered";
  public static final String KAFKA_TLS_NOT_OFFERED = "KafkaTlsNotOffered";
  public static final String KAFKA_USER_CONFLICT = "KafkaUserConflict";
  public static final String KAFKA_USER_NOT_READY = "KafkaUserNotReady";
  public static final String KAFKA_USER_REFUSED = "KafkaUserRefused";
  public static final String KAFKA_SECRET_NOT_FOUND = "KafkaSecretNotFound";
  public static final String KAFKA_SECRET_NOT_WATCHED = "KafkaSecretNotWatched";
  public static final String KAFKA_SECRET_KEY_MISSING = "KafkaSecretKeyMissing";
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String TOPICS_READY = "TopicsReady";
  public static final String TOPICS_NOT_READY = "TopicsNotReady";
  public static final String WAITING_FOR_TOPICS = "WaitingForTopics";
  public static final String DEPLOYING = "Deploying";
  public static final String JOB_RUNNING = "JobRunning";
  public static final String UPGRADE_IN_PROGRESS = "UpgradeInProgress";
  public static final String UPGRADE_STUCK = "UpgradeStuck";
  public static final String UPGRADE_FAILED = "UpgradeFailed";
  public static final String CHECKING_UPGRADE = "CheckingUpgrade";
  public static final String UPGRADE_BLOCKED = "UpgradeBlocked";
  public static final String UPGRADE_CHECK_FAILED = "UpgradeCheckFailed";
  public static final String JOB_FAILED = "JobFailed";
  public static final String FLINK_ERROR = "FlinkDeploymentError";
  public static final String SUSPENDED = "Suspended";
  public static final String SUSPENDING = "Suspending";
  public static final String CAUGHT_UP = "CaughtUp";
  public static final String BACKLOG_ABOVE_THRESHOLD = "BacklogAboveThreshold";
  public static final String BACKLOG_UNKNOWN = "BacklogUnknown";
  public static final String JOB_NOT_RUNNING = "JobNotRunning";
  public static final String LATE_RECORDS_DROPPED = "LateRecordsDropped";
  /** Someone keeps changing or deleting a child; the operator puts it back at a bounded rate. */
  public static final String CHILD_CHANGED_EXTERNALLY = "ChildChangedExternally";
  public static final String COMMITS_FAILED = "CommitsFailed";

  private Reasons() {}
}
