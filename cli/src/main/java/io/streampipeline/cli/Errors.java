package io.streampipeline.cli;

/** Error messages as one line. */
final class Errors {

  private Errors() {}

  /** A user's error (its message), or an unexpected one (its type and message), on one line. */
  static String oneLine(Throwable e) {
    if (e instanceof CliException) {
      return flatten(e.getMessage());
    }
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    return flatten(cause.getClass().getSimpleName() + message);
  }

  /** Multi-line messages (Flink's SQL errors) joined into one line. */
  static String flatten(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
