package io.streampipeline.operator.api;

/** Where a pipeline is on its way to a running job; {@code kubectl get sp} shows it. */
public enum Phase {
  /** Accepted, nothing created yet (or waiting on something outside the pipeline, such as missing CRDs). */
  Pending,
  /** KafkaTopics are created or updated and not all are Ready yet; the job waits for them. */
  CreatingTopics,
  /** The FlinkDeployment exists and the Flink operator has not reported a running job yet. */
  Deploying,
  /** The job runs the current spec. */
  Running,
  /** The Flink operator is moving the job to a changed spec (with a savepoint unless stateless). */
  Upgrading,
  /** The job is suspended as asked. */
  Suspended,
  /** Something needs a person: an invalid spec, a failed job, a failed upgrade; see the Ready condition. */
  Failed
  // No Deleting phase: the operator holds no finalizer, so a deleted pipeline is gone at once and its
  // children follow by owner references (see README, "Deletion without finalizers").
}
