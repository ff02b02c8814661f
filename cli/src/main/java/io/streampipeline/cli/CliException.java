package io.streampipeline.cli;

/**
 * A failure caused by the user's input or environment; its message is all the user needs to read, and its
 * {@link ExitCode} says which kind it is.
 */
public class CliException extends RuntimeException {

  private final ExitCode exitCode;

  /** A failure of the environment (a file, Kafka, the job): {@link ExitCode#INTERNAL}. */
  public CliException(String message) {
    this(ExitCode.INTERNAL, message, null);
  }

  public CliException(String message, Throwable cause) {
    this(ExitCode.INTERNAL, message, cause);
  }

  public CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A pipeline that cannot be run or rendered as written: {@link ExitCode#INVALID}. */
  static CliException invalidPipeline(String message) {
    return new CliException(ExitCode.INVALID, message, null);
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
