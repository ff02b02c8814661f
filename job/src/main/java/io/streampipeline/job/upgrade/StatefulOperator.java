package io.streampipeline.job.upgrade;

import java.util.Set;
import org.apache.flink.runtime.jobgraph.OperatorID;

/**
 * An operator of a pipeline's job whose state a savepoint carries, under the ID Flink gives it.
 *
 * @param description what a person recognises: the source, or the SQL planner's description of the operator
 * @param meaning what its state was computed from: its own logic and everything upstream of it; equal
 *     meanings restore equal state
 * @param sources the names of the sources upstream of it
 */
record StatefulOperator(OperatorID id, Kind kind, String description, String meaning, Set<String> sources) {

  enum Kind {
    /** A Kafka source: its state is the read position in each partition. */
    SOURCE,
    /** A keyed SQL operator (aggregate, window, join, deduplication...): its state is the query's. */
    SQL
  }
}
