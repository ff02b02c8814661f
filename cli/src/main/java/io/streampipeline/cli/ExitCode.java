package io.streampipeline.cli;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code streampipeline} command, in one table, for scripts and CI. Declared from least
 * to most severe; a command that finds several returns the most severe ({@link #worst}): an invalid pipeline
 * beside one whose upgrade would lose state is {@link #INVALID}.
 */
public enum ExitCode {

  /** The command did what it was asked; for {@code validate}, every pipeline is valid. */
  OK(0, "success; every pipeline valid"),
  /** Every pipeline is valid, but upgrading from the given old version would lose the job's state. */
  UPGRADE_LOSES_STATE(4, "valid, but the upgrade would lose state"),
  /** At least one pipeline is invalid (schema, CEL rules, the operator's or the job's checks). */
  INVALID(1, "invalid pipeline(s)"),
  /** Something other than the pipelines failed: a file or Kafka could not be reached, the job failed, a bug. */
  INTERNAL(3, "internal or I/O error"),
  /** The command line itself is wrong: unknown option, missing argument, bad option value. */
  USAGE(2, "usage error");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /** The table for every command's help, in the order of the codes. */
  static Map<String, String> table() {
    Map<String, String> table = new LinkedHashMap<>();
    Arrays.stream(values()).sorted(Comparator.comparingInt(ExitCode::code))
        .forEach(c -> table.put(Integer.toString(c.code), c.meaning));
    return table;
  }

  /** The more severe of two codes. */
  static ExitCode worst(ExitCode a, ExitCode b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
