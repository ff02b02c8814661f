package io.streampipeline.job;

import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.flink.table.functions.TableFunction;

/**
 * {@code SPLIT_WORDS(line)}: the words of a line, lower-cased, one row each. A word is a run of letters and
 * digits; everything else separates words, and empty words are dropped. Registered in every pipeline's SQL:
 *
 * <pre>
 * SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word
 * </pre>
 */
public class SplitWords extends TableFunction<String> {

  /** The name the function has in SQL. */
  public static final String NAME = "SPLIT_WORDS";

  private static final long serialVersionUID = 1L;
  private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{Nd}]+");

  public void eval(String line) {
    if (line == null) {
      return;
    }
    for (String word : SEPARATORS.split(line.toLowerCase(Locale.ROOT))) {
      if (!word.isEmpty()) {
        collect(word);
      }
    }
  }
}
