package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How the operator asks the job image whether an upgrade keeps state, and how the answer comes back: the operator
 * runs {@link JobArtifact#UPGRADE_CHECK_CLASS} in a Kubernetes Job with {@link #args}, and reads the {@link Result}
 * from the pod's termination message, which Kubernetes caps at {@value #MAX_MESSAGE_BYTES} bytes. Only plans go in
 * (they hold no secrets), and only the verdict comes out.
 */
public final class UpgradeCheckProtocol {

  public static final String FROM = "--from";
  public static final String FROM_PARALLELISM = "--from-parallelism";
  public static final String TO = "--to";
  public static final String TO_PARALLELISM = "--to-parallelism";
  /** Where the result is written: the container's {@code terminationMessagePath}. */
  public static final String RESULT_FILE = "--result-file";
  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  /** Kubernetes keeps at most this much of a termination message. */
  public static final int MAX_MESSAGE_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private UpgradeCheckProtocol() {}

  /**
   * @param fromPlan the running version's plan as the FlinkDeployment carries it ({@link PlanCodec#encode})
   * @param toPlan the new version's plan, encoded the same way
   */
  public static List<String> args(String fromPlan, int fromParallelism, String toPlan, int toParallelism) {
    return List.of(FROM, fromPlan, FROM_PARALLELISM, Integer.toString(fromParallelism), TO, toPlan, TO_PARALLELISM,
        Integer.toString(toParallelism), RESULT_FILE, TERMINATION_MESSAGE_PATH);
  }

  /**
   * The check's answer.
   *
   * @param verdict {@code COMPATIBLE}, {@code STATE_DROPPED} or {@code INCOMPATIBLE} (the job's
   *     {@code UpgradePrediction.Verdict})
   * @param summary the verdict in words
   * @param findings one line per affected operator, naming the SQL it comes from
   * @param omitted findings left out to stay within the termination message's size
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(String verdict, String summary, List<String> findings, int omitted) {

    public static final String COMPATIBLE = "COMPATIBLE";

    public Result {
      findings = findings == null ? List.of() : List.copyOf(findings);
    }

    public boolean keepsState() {
      return COMPATIBLE.equals(verdict);
    }

    /** The summary and the findings, one line, for a condition message or an event. */
    public String describe() {
      StringBuilder text = new StringBuilder(summary == null ? verdict : summary);
      findings.forEach(f -> text.append("; ").append(f));
      if (omitted > 0) {
        text.append("; and ").append(omitted).append(" more");
      }
      return text.toString();
    }

    /** As JSON of at most {@value #MAX_MESSAGE_BYTES} bytes: findings that do not fit are counted, not written. */
    public String encode() {
      List<String> kept = new ArrayList<>(findings);
      int dropped = omitted;
      String json = write(new Result(verdict, summary, kept, dropped));
      while (json.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES && !kept.isEmpty()) {
        kept.remove(kept.size() - 1);
        dropped++;
        json = write(new Result(verdict, summary, kept, dropped));
      }
      return json;
    }

    /** @throws IllegalArgumentException when the text is not a result */
    public static Result decode(String json) {
      try {
        Result result = JSON.readValue(json, Result.class);
        if (result.verdict() == null) {
          throw new IllegalArgumentException("no verdict in " + json);
        }
        return result;
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not an upgrade check result: " + e.getOriginalMessage(), e);
      }
    }

    private static String write(Result result) {
      try {
        return JSON.writeValueAsString(result);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
