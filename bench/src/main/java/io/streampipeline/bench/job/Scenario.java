package io.streampipeline.bench.job;

import java.util.List;

/**
 * One benchmark workload: the input it loads, the query as our pipeline spec and as the hand-written Flink SQL job
 * a user would write instead, and how to tell that a contender has processed all of it.
 */
interface Scenario {

  String name();

  /** Writes {@code records} input records to {@code topic} of {@code partitions}; remembers what output to expect. */
  void load(String bootstrapServers, String topic, int partitions, long records);

  /** Our pipeline: the {@code spec} of a StreamPipeline as JSON, without {@code kafka}, {@code job} and topics. */
  String specJson(String input, String output, String deadLetter);

  /**
   * The peer: the SQL statements of a hand-written Flink SQL job over Flink's {@code kafka} connector and
   * {@code json}/{@code raw} formats, the last one the {@code INSERT}; {@code tables} gives the connector options.
   */
  List<String> peerSql(String input, String output, PeerSqlJob.Tables tables);

  /** Waits until the output is complete; returns the wall-clock time it became visible to read_committed readers. */
  long awaitComplete(OutputWatch watch) throws InterruptedException;

  /** True when a plain copy of the input bytes is a meaningful baseline (the stateless filter only). */
  default boolean hasCopyBaseline() {
    return false;
  }
}
