package io.streampipeline.operator.children;

import io.streampipeline.plan.PlanCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * A change of what the job computes: the plan and parallelism the FlinkDeployment runs, and the ones the spec now
 * asks for, each encoded as the FlinkDeployment's {@code spec.job.args} carry it. Only such a change can lose state;
 * resources, images or configuration alone do not touch the job graph.
 */
public record PlanChange(String fromPlan, int fromParallelism, String toPlan, int toParallelism) {

  /** The change from {@code running} to {@code desired}; empty when both run the same plan at the same parallelism. */
  public static Optional<PlanChange> between(FlinkDeployment running, FlinkDeployment desired) {
    String from = plan(running);
    String to = plan(desired);
    int fromParallelism = parallelism(running);
    int toParallelism = parallelism(desired);
    if (Objects.equals(from, to) && fromParallelism == toParallelism) {
      return Optional.empty();
    }
    return Optional.of(new PlanChange(from, fromParallelism, to, toParallelism));
  }

  /** Identifies the running version: its plan and parallelism, hashed. */
  public String fromHash() {
    return hash(fromPlan, fromParallelism);
  }

  /** Identifies the new version. */
  public String toHash() {
    return hash(toPlan, toParallelism);
  }

  private static String plan(FlinkDeployment deployment) {
    String[] args = deployment.getSpec().getJob().getArgs();
    for (int i = 0; args != null && i + 1 < args.length; i++) {
      if (PlanCodec.PLAN_ARGUMENT.equals(args[i])) {
        return args[i + 1];
      }
    }
    return null;
  }

  private static int parallelism(FlinkDeployment deployment) {
    return Objects.requireNonNullElse(deployment.getSpec().getJob().getParallelism(), 1);
  }

  private static String hash(String plan, int parallelism) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(String.valueOf(plan).getBytes(StandardCharsets.UTF_8));
      digest.update(("\n" + parallelism).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
