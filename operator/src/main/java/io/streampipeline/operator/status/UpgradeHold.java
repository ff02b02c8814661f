package io.streampipeline.operator.status;

/**
 * A change the operator holds back from the FlinkDeployment because the job's state may not survive it; the running
 * job keeps running the previous version meanwhile.
 *
 * @param stalled whether only a change of the spec (or a person) can release it, as opposed to a check still running
 */
public record UpgradeHold(String reason, String message, boolean stalled) {}
