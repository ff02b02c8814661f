package io.streampipeline.operator.progress;

/**
 * A count of records as the status shows it: its order of magnitude, so that the status changes only when a count
 * crosses a power of ten, not on every poll. {@code 0} is its own bucket: it tells a finished backfill from one
 * that still has a few records to read.
 */
public enum Backlog {
  NONE("0", 1),
  BELOW_1K("<1k", 1_000),
  BELOW_10K("<10k", 10_000),
  BELOW_100K("<100k", 100_000),
  BELOW_1M("<1M", 1_000_000),
  AT_LEAST_1M(">=1M", Long.MAX_VALUE),
  /** No reading yet: the source has not fetched records so far, or Flink has not collected its metric yet. */
  UNKNOWN("Unknown", Long.MAX_VALUE);

  private final String label;
  /** The counts below this (and at least the previous bucket's bound) fall in this bucket. */
  private final long below;

  Backlog(String label, long below) {
    this.label = label;
    this.below = below;
  }

  public static Backlog of(long records) {
    for (Backlog bucket : values()) {
      if (records < bucket.below) {
        return bucket;
      }
    }
    return AT_LEAST_1M;
  }

  /** What the status and {@code kubectl get} show. */
  public String label() {
    return label;
  }

  /** Which of two backlogs is further behind: an unknown one counts as furthest, since it might be. */
  static Backlog worse(Backlog a, Backlog b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
