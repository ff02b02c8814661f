package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.streampipeline.model.StateBackend;

/**
 * How the job keeps state.
 *
 * @param backend null: RocksDB when the query keeps keyed state, the heap when it keeps none
 * @param ttlMs null: state is kept until the query's own logic clears it; otherwise how long keyed state of
 *     unbounded operators (GROUP BY, regular joins, deduplication, ranks) is kept after its last update
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatePlan(StateBackend backend, Long ttlMs) {

  /** Both chosen by the job: the backend by the query, no TTL. */
  public static final StatePlan DEFAULT = new StatePlan(null, null);
}
