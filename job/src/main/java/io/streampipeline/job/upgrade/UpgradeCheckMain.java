package io.streampipeline.job.upgrade;

import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's in-cluster upgrade check ({@link UpgradeCheckProtocol}): predicts from the two versions' job graphs
 * alone ({@link UpgradeCompatibility#predict}, about a second, no Kafka, no cluster) whether the new version restores
 * the running one's state, and writes the verdict as JSON to the result file (the container's termination message).
 * A verdict, whatever it is, exits normally; a check that cannot run (a plan it cannot read or plan) throws, so that
 * the pod fails with the error in its log.
 */
public final class UpgradeCheckMain {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeCheckMain.class);
  private static final Set<String> OPTIONS = Set.of(UpgradeCheckProtocol.FROM, UpgradeCheckProtocol.FROM_PARALLELISM,
      UpgradeCheckProtocol.TO, UpgradeCheckProtocol.TO_PARALLELISM, UpgradeCheckProtocol.RESULT_FILE);

  private UpgradeCheckMain() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> options = options(args);
    PipelinePlan from = PlanCodec.decode(required(options, UpgradeCheckProtocol.FROM));
    PipelinePlan to = PlanCodec.decode(required(options, UpgradeCheckProtocol.TO));
    UpgradePrediction prediction = UpgradeCompatibility.predict(
        from, parallelism(options, UpgradeCheckProtocol.FROM_PARALLELISM),
        to, parallelism(options, UpgradeCheckProtocol.TO_PARALLELISM));
    String result = new UpgradeCheckProtocol.Result(prediction.verdict().name(), prediction.summary(),
        prediction.findings().stream().map(Object::toString).toList(), 0).encode();
    LOG.info("Upgrade of pipeline {}: {}", to.pipeline(), result);
    Files.writeString(Path.of(required(options, UpgradeCheckProtocol.RESULT_FILE)), result, StandardCharsets.UTF_8);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: " + String.join(" VALUE ", OPTIONS) + " VALUE; got " + args[i]
            + (i + 1 >= args.length ? " without a value" : ""));
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  private static int parallelism(Map<String, String> options, String name) {
    String value = required(options, name);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + value, e);
    }
  }
}
