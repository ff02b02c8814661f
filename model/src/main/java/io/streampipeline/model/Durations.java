package io.streampipeline.model;

import java.time.Duration;
import java.util.regex.Matcher;

/** Durations as users write them in a spec: a whole number and a unit, {@code 500ms}, {@code 10s}, {@code 1m}, {@code 2h}. */
public final class Durations {

  public static final String PATTERN = "^[0-9]{1,9}(ms|s|m|h)$";
  private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

  private Durations() {}

  public static Duration parse(String field, String text) {
    Matcher m = text == null ? null : COMPILED.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          field + ": '" + text + "' is not a duration such as 500ms, 10s, 1m or 2h");
    }
    String value = text.trim();
    long amount = Long.parseLong(value.substring(0, value.length() - m.group(1).length()));
    switch (m.group(1)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      default:
        return Duration.ofHours(amount);
    }
  }
}
