package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * The last upgrade check: which change it was about (hashes of the running and the new plan, with their
 * parallelism) and its verdict. Kept on the status so that neither a resync nor an operator restart checks the same
 * change again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpgradeCheckStatus {

  @JsonPropertyDescription("Hash of the running version's plan and parallelism.")
  private String fromPlan;
  @JsonPropertyDescription("Hash of the new version's plan and parallelism.")
  private String toPlan;
  @JsonPropertyDescription("COMPATIBLE (state is restored), STATE_DROPPED, INCOMPATIBLE, or FAILED when the check"
      + " itself could not run.")
  private String verdict;
  @JsonPropertyDescription("The verdict in words, with the operators (and the SQL they come from) affected.")
  private String message;

  public UpgradeCheckStatus() {}

  public UpgradeCheckStatus(String fromPlan, String toPlan, String verdict, String message) {
    this.fromPlan = fromPlan;
    this.toPlan = toPlan;
    this.verdict = verdict;
    this.message = message;
  }

  public boolean isFor(String from, String to) {
    return from.equals(fromPlan) && to.equals(toPlan);
  }

  public String getFromPlan() {
    return fromPlan;
  }

  public void setFromPlan(String fromPlan) {
    this.fromPlan = fromPlan;
  }

  public String getToPlan() {
    return toPlan;
  }

  public void setToPlan(String toPlan) {
    this.toPlan = toPlan;
  }

  public String getVerdict() {
    return verdict;
  }

  public void setVerdict(String verdict) {
    this.verdict = verdict;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpgradeCheckStatus u && Objects.equals(fromPlan, u.fromPlan) && Objects.equals(toPlan, u.toPlan)
        && Objects.equals(verdict, u.verdict) && Objects.equals(message, u.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fromPlan, toPlan, verdict, message);
  }
}
