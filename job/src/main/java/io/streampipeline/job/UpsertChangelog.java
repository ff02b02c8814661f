package io.streampipeline.job;

import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * An upsert source's table as a full changelog: keeps the latest row of each key and turns the source's rows
 * (a value as {@code UPDATE_AFTER}, a tombstone as a {@code DELETE} of the key) into {@code INSERT},
 * {@code UPDATE_BEFORE} + {@code UPDATE_AFTER} and {@code DELETE} of the whole row. A value equal to the latest
 * is no change; a tombstone of an unknown key deletes nothing.
 *
 * <p>Why not Flink's upsert mode: the planner then puts its own normalization (ChangelogNormalize) after the
 * source, which turns a tombstone into a {@code DELETE} carrying the previous row, event time included. An
 * event-time versioned join files that delete at the previous version's time and so erases that version,
 * instead of ending it when the tombstone came. Here the {@code DELETE} carries the tombstone's time (its
 * record timestamp, since it has no value); the planner drops the {@code UPDATE_BEFORE} rows before a
 * versioned join, and regular joins and aggregates use them to retract.
 *
 * <p>State: the latest row of every key, for as long as the key exists (the compacted topic's size); it does
 * not expire with {@code job.stateTtl}, which would lose rows of the table.
 */
final class UpsertChangelog extends KeyedProcessFunction<Row, Row, Row> {

  private static final long serialVersionUID = 1L;

  private final SourceSchema schema;
  private transient ValueState<Row> latest;

  private UpsertChangelog(SourceSchema schema) {
    this.schema = schema;
  }

  /** The changelog of {@code upserts}, the decoded rows of an upsert source. */
  static DataStream<Row> of(DataStream<Row> upserts, SourceSchema schema) {
    return upserts
        .keyBy(new KeyColumns(schema.keyColumns()), ExternalTypeInfo.of(schema.keyType()))
        .process(new UpsertChangelog(schema), ExternalTypeInfo.of(schema.rowType()))
        .name("changelog " + schema.name())
        .uid("changelog-" + schema.name());
  }

  @Override
  public void open(OpenContext context) {
    latest = getRuntimeContext().getState(new ValueStateDescriptor<>("latest", ExternalTypeInfo.of(schema.rowType())));
  }

  @Override
  public void processElement(Row row, Context context, Collector<Row> out) throws IOException {
    Row previous = latest.value();
    if (row.getKind() == RowKind.DELETE) {
      if (previous != null) {
        latest.clear();
        Row deleted = Row.copy(previous);
        deleted.setKind(RowKind.DELETE);
        int eventTime = schema.eventTimeIndex();
        if (eventTime >= 0) {
          deleted.setField(eventTime, row.getField(eventTime));
        }
        out.collect(deleted);
      }
      return;
    }
    Row current = Row.copy(row);
    current.setKind(RowKind.INSERT);
    if (current.equals(previous)) {
      return;
    }
    latest.update(current);
    if (previous != null) {
      previous.setKind(RowKind.UPDATE_BEFORE);
      out.collect(previous);
    }
    Row changed = Row.copy(current);
    changed.setKind(previous == null ? RowKind.INSERT : RowKind.UPDATE_AFTER);
    out.collect(changed);
  }

  /** A row's key columns, as a row of their own (always of kind INSERT, so that a key equals itself). */
  private static final class KeyColumns implements KeySelector<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final int[] columns;

    KeyColumns(int[] columns) {
      this.columns = columns;
    }

    @Override
    public Row getKey(Row row) {
      Row key = new Row(columns.length);
      for (int i = 0; i < columns.length; i++) {
        key.setField(i, row.getField(columns[i]));
      }
      return key;
    }
  }
}
