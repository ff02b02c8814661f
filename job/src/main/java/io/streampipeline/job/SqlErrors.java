package io.streampipeline.job;

import io.streampipeline.plan.InvalidPlanException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the planner's refusal of {@code transform.sql} into a problem naming the line and column where the
 * planner found it: {@code transform.sql: line 1, column 7: Encountered "FORM" ...}.
 *
 * <p>The position comes from the planner's own exceptions, found in the cause chain: Calcite's
 * {@code SqlParseException.getPos()} for parse errors and {@code CalciteContextException.getPosLine()/
 * getPosColumn()} for validation errors. Those classes live in the planner's isolated class loader
 * ({@code flink-table-planner-loader}), so they are read by method name; should a Flink upgrade change
 * them, the message keeps the planner's text without a position, and the tests that expect one fail.
 */
final class SqlErrors {

  private static final String FIELD = "transform.sql";
  /** How Flink 1.20's planner refuses a processing-time temporal join; it has no type of its own. */
  private static final String PROCESSING_TIME_TEMPORAL_JOIN = "Processing-time temporal join is not supported";
  private static final Pattern PARSER_POSITION = Pattern.compile("\\bline (\\d+), column");

  private SqlErrors() {}

  /**
   * A query the planner validated but cannot translate, as a problem of {@code transform.sql} when we know what
   * the user should write instead; otherwise the planner's own exception. Matched by message, as the planner
   * has no type for it: should a Flink upgrade reword it, the planner's error shows through and {@code
   * PlanRefusalTest} fails.
   */
  static RuntimeException untranslatable(RuntimeException plannerError) {
    if (plannerError.getMessage() != null && plannerError.getMessage().startsWith(PROCESSING_TIME_TEMPORAL_JOIN)) {
      return new InvalidPlanException(FIELD, "a processing-time temporal join (FOR SYSTEM_TIME AS OF a PROCTIME()"
          + " attribute) is not supported by Flink 1.20 for a table read from Kafka; join FOR SYSTEM_TIME AS OF the"
          + " probe side's event-time column instead (a versioned join: the table must be an upsert source with"
          + " eventTime), or use a regular join");
    }
    return plannerError;
  }

  static InvalidPlanException refused(RuntimeException plannerError) {
    return refused(plannerError, 0);
  }

  /**
   * @param linesBefore lines the job put before {@code transform.sql} in the text the planner saw; positions
   *     are given in the user's text
   */
  static InvalidPlanException refused(RuntimeException plannerError, int linesBefore) {
    for (Throwable t = plannerError; t != null; t = t.getCause()) {
      Throwable cause = t;
      Optional<String> position = parsePosition(cause, linesBefore).or(() -> validationPosition(cause, linesBefore));
      if (position.isPresent()) {
        return new InvalidPlanException(FIELD, position.get() + ": " + inUserLines(reason(cause), linesBefore));
      }
    }
    return new InvalidPlanException(FIELD, plannerError.getMessage());
  }

  /** Calcite's {@code SqlParseException.getPos()}: a {@code SqlParserPos}. */
  private static Optional<String> parsePosition(Throwable t, int linesBefore) {
    Object pos = call(t, "getPos");
    if (pos == null) {
      return Optional.empty();
    }
    Object line = call(pos, "getLineNum");
    Object column = call(pos, "getColumnNum");
    return line instanceof Integer l && column instanceof Integer c && l > linesBefore ? Optional.of(at(l - linesBefore, c))
        : Optional.empty();
  }

  /** Calcite's {@code CalciteContextException.getPosLine()/getPosColumn()}. */
  private static Optional<String> validationPosition(Throwable t, int linesBefore) {
    Object line = call(t, "getPosLine");
    Object column = call(t, "getPosColumn");
    return line instanceof Integer l && column instanceof Integer c && l > linesBefore ? Optional.of(at(l - linesBefore, c))
        : Optional.empty();
  }

  /** What went wrong, without the position that is now given apart: the innermost cause's first line. */
  private static String reason(Throwable positioned) {
    Throwable innermost = positioned;
    while (innermost.getCause() != null && innermost.getCause().getMessage() != null) {
      innermost = innermost.getCause();
    }
    String message = innermost.getMessage();
    return message == null ? positioned.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }

  /** The planner's own words give positions in the text it saw ("at line 3, column 50"): move them to the user's. */
  private static String inUserLines(String reason, int linesBefore) {
    if (linesBefore == 0) {
      return reason;
    }
    return PARSER_POSITION.matcher(reason).replaceAll(
        m -> "line " + (Integer.parseInt(m.group(1)) - linesBefore) + ", column");
  }

  private static String at(int line, int column) {
    return "line " + line + ", column " + column;
  }

  private static Object call(Object target, String method) {
    try {
      Method m = target.getClass().getMethod(method);
      return m.getParameterCount() == 0 ? m.invoke(target) : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
