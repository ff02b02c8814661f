package io.streampipeline.cli;

/** A failure caused by the user's input or environment; its message is all the user needs to read. */
public class CliException extends RuntimeException {

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
