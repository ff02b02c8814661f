package io.streampipeline.cli.admission;

/** The CRD has a rule {@code validate} cannot evaluate with the API server's answers: a bug of this build. */
public class UnsupportedRuleException extends IllegalStateException {

  public UnsupportedRuleException(String message) {
    super(message);
  }
}
