package io.streampipeline.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table names a query reads, found without a SQL planner, so that the operator (which carries no Flink)
 * can say "the SQL reads table X, which is no source" before it deploys anything. It looks at what follows
 * {@code FROM}, {@code JOIN} and {@code TABLE} and at comma-separated FROM lists, and leaves out names the
 * query defines itself ({@code WITH x AS}). The job plans the SQL fully at start, and
 * {@code streampipeline validate} does too; this check only catches the common mistake early.
 *
 * <p>It also finds the tables {@code INSERT INTO} statements write, with their position, so that the operator
 * can refuse a statement writing a table that is no sink, and a sink no statement writes.
 */
public final class SqlTableReferences {

  private static final String IDENTIFIER = "`[^`]+`|[A-Za-z_][A-Za-z0-9_]*";
  private static final Pattern FROM_LIST = Pattern.compile(
      "(?is)\\bFROM\\s+(.+?)(?=\\bWHERE\\b|\\bGROUP\\b|\\bORDER\\b|\\bHAVING\\b|\\bWINDOW\\b|\\bUNION\\b"
          + "|\\bJOIN\\b|\\bLEFT\\b|\\bRIGHT\\b|\\bFULL\\b|\\bINNER\\b|\\bCROSS\\b|\\bLIMIT\\b|\\)|;|$)");
  /** A FROM item's leading name, unless it is a function call such as {@code TABLE(...)} or {@code DESCRIPTOR(...)}. */
  private static final Pattern FROM_ITEM = Pattern.compile("^\\s*(" + IDENTIFIER + ")(?![A-Za-z0-9_])(?!\\s*\\()");
  private static final Pattern JOINED = Pattern.compile("(?i)\\bJOIN\\s+(" + IDENTIFIER + ")");
  private static final Pattern TABLE_ARGUMENT = Pattern.compile("(?i)\\bTABLE\\s+(" + IDENTIFIER + ")(?![A-Za-z0-9_])(?!\\s*\\()");
  private static final Pattern COMMON_TABLE = Pattern.compile("(?i)(?:\\bWITH\\b|,)\\s*(" + IDENTIFIER + ")\\s+AS\\s*\\(");
  private static final Pattern INSERT_TARGET = Pattern.compile(
      "(?i)\\bINSERT\\s+(?:INTO|OVERWRITE)\\s+(" + IDENTIFIER + ")");
  private static final Pattern COMMENT_OR_STRING = Pattern.compile("--[^\\n]*|(?s)/\\*.*?\\*/|'(?:[^']|'')*'");
  private static final Set<String> NOT_TABLES = Set.of("LATERAL", "TABLE", "UNNEST", "SELECT");

  private SqlTableReferences() {}

  /**
   * A table an {@code INSERT INTO} statement writes, as written (backticks removed).
   *
   * @param line 1-based line of the table name in the SQL
   * @param column 1-based column of the table name in its line
   */
  public record InsertTarget(String table, int line, int column) {}

  /** The tables the SQL's {@code INSERT INTO} statements write, in the order they appear. */
  public static List<InsertTarget> insertTargets(String sql) {
    String text = blankCommentsAndStrings(sql);
    List<InsertTarget> targets = new ArrayList<>();
    Matcher insert = INSERT_TARGET.matcher(text);
    while (insert.find()) {
      int at = insert.start(1);
      int lineStart = text.lastIndexOf('\n', at - 1) + 1;
      int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
      targets.add(new InsertTarget(unquote(insert.group(1)), line, at - lineStart + 1));
    }
    return targets;
  }

  /** The SQL with comments and string literals replaced by spaces, line breaks kept: positions stay. */
  private static String blankCommentsAndStrings(String sql) {
    StringBuilder text = new StringBuilder(sql);
    Matcher matcher = COMMENT_OR_STRING.matcher(sql);
    while (matcher.find()) {
      for (int i = matcher.start(); i < matcher.end(); i++) {
        if (text.charAt(i) != '\n') {
          text.setCharAt(i, ' ');
        }
      }
    }
    return text.toString();
  }

  /** Names read by the query, as written (backticks removed), excluding its own common table expressions. */
  public static Set<String> tablesRead(String sql) {
    String text = sql.replaceAll("--[^\\n]*", " ").replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("'(?:[^']|'')*'", "''");
    Set<String> defined = new LinkedHashSet<>();
    Matcher cte = COMMON_TABLE.matcher(text);
    while (cte.find()) {
      defined.add(unquote(cte.group(1)).toLowerCase(Locale.ROOT));
    }
    Set<String> read = new LinkedHashSet<>();
    Matcher from = FROM_LIST.matcher(text);
    while (from.find()) {
      if (insideFunctionCall(text, from.start())) {
        continue;
      }
      for (String item : from.group(1).split(",")) {
        Matcher first = FROM_ITEM.matcher(item);
        if (first.find()) {
          read.add(unquote(first.group(1)));
        }
      }
    }
    addAll(read, JOINED.matcher(text));
    addAll(read, TABLE_ARGUMENT.matcher(text));
    read.removeIf(name -> NOT_TABLES.contains(name.toUpperCase(Locale.ROOT))
        || defined.contains(name.toLowerCase(Locale.ROOT)));
    return read;
  }

  /**
   * Whether a FROM is a function's keyword argument ({@code EXTRACT(HOUR FROM ts)}, {@code TRIM(x FROM s)}):
   * its innermost open parenthesis does not start a subquery.
   */
  private static boolean insideFunctionCall(String text, int position) {
    int depth = 0;
    for (int i = position - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == ')') {
        depth++;
      } else if (c == '(') {
        if (depth == 0) {
          String after = text.substring(i + 1).stripLeading().toUpperCase(Locale.ROOT);
          return !(after.startsWith("SELECT") || after.startsWith("WITH"));
        }
        depth--;
      }
    }
    return false;
  }

  private static void addAll(Set<String> names, Matcher matcher) {
    while (matcher.find()) {
      names.add(unquote(matcher.group(1)));
    }
  }

  private static String unquote(String identifier) {
    return identifier.startsWith("`") ? identifier.substring(1, identifier.length() - 1) : identifier;
  }
}
