package io.streampipeline.operator.progress;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One poll of a running job's progress, already coarse: equal polls are equal values, so that JOSDK's polling event
 * source triggers a reconcile only when the status would change (a bucket or the verdict moved).
 *
 * @param backlogs each source's backlog by source name
 * @param caughtUp whether every source's backlog is below the spec's threshold; null when a source's is unknown
 * @param behind the first source (by name) whose backlog is unknown or not below the threshold; null when caught up
 * @param lateRecordsDropped the job's late records dropped so far, in the same buckets
 * @param failedCommits the job's Kafka transactions whose commit failed (records lost) so far, in the same buckets
 */
public record JobProgress(SortedMap<String, Backlog> backlogs, Boolean caughtUp, String behind,
    Backlog lateRecordsDropped, Backlog failedCommits) {

  /**
   * @param pending each source's pending records; a source missing from it has no reading yet
   * @param sources every source of the pipeline
   * @param threshold a source is caught up while its backlog is below this
   */
  public static JobProgress of(Map<String, Long> pending, List<String> sources, long threshold,
      long lateRecordsDropped, long failedCommits) {
    SortedMap<String, Backlog> backlogs = new TreeMap<>();
    String unknown = null;
    String above = null;
    for (String source : sources.stream().sorted().toList()) {
      Long records = pending.get(source);
      backlogs.put(source, records == null ? Backlog.UNKNOWN : Backlog.of(records));
      if (records == null && unknown == null) {
        unknown = source;
      } else if (records != null && records >= threshold && above == null) {
        above = source;
      }
    }
    // A source known to be behind decides the verdict; otherwise an unknown one leaves it open.
    Boolean caughtUp = above != null ? Boolean.FALSE : unknown != null ? null : Boolean.TRUE;
    return new JobProgress(backlogs, caughtUp, above != null ? above : unknown,
        Backlog.of(lateRecordsDropped), Backlog.of(failedCommits));
  }

  /** The backlog of the source furthest behind, for the printer column. */
  public Backlog worst() {
    return backlogs.values().stream().reduce(Backlog.NONE, Backlog::worse);
  }
}
