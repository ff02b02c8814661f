package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'json' || (has(self.schema) && size(self.schema) > 0)",
    message = "schema is required when format is json",
    fieldPath = ".schema")
@ValidationRule(
    value = "!has(self.eventTime) || !has(self.eventTime.column) || (self.format == 'json' && has(self.schema)"
        + " && self.schema.exists(c, c.name == self.eventTime.column && c.type.startsWith('TIMESTAMP')))",
    message = "eventTime.column must name a TIMESTAMP column of the json schema",
    fieldPath = ".eventTime.column")
@ValidationRule(
    value = "!has(self.eventTime) || has(self.eventTime.column) || self.format != 'json' || !has(self.schema)"
        + " || !self.schema.exists(c, c.name == '" + EventTimeSpec.RECORD_TIMESTAMP_COLUMN + "')",
    message = "event time from the record timestamp adds the column " + EventTimeSpec.RECORD_TIMESTAMP_COLUMN
        + ", which the schema must not declare",
    fieldPath = ".schema")
@ValidationRule(
    value = "!has(self.changelog) || self.changelog != 'upsert' || (self.format == 'json' && has(self.key) && size(self.key) > 0)",
    message = "changelog upsert needs format json and key columns (the record key is a JSON object of them)",
    fieldPath = ".key")
@ValidationRule(
    value = "(has(self.changelog) && self.changelog == 'upsert') || !has(self.key) || size(self.key) == 0",
    message = "key is only for changelog upsert (an append source's record key is not read)",
    fieldPath = ".key")
@ValidationRule(
    value = "!has(self.key) || self.key.all(k, has(self.schema) && self.schema.exists(c, c.name == k))",
    message = "key must name columns of the schema",
    fieldPath = ".key")
public class SourceSpec extends TopicSpec {

  /** A table name: an SQL identifier that needs no quoting (unless it is a reserved word). */
  public static final String NAME_PATTERN = "^[a-zA-Z_][a-zA-Z0-9_]{0,62}$";

  /** Offsets a source can start from when it has none committed, or a timestamp. */
  public static final String STARTING_OFFSETS_PATTERN =
      "^(committed|earliest|latest|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))$";

  @Required
  @Pattern(NAME_PATTERN)
  @Size(max = 63)
  @JsonPropertyDescription("The table name the SQL uses for this source.")
  private String name;

  @Default("raw")
  @JsonPropertyDescription("raw: one STRING column named line; json: the columns of schema.")
  private Format format = Format.RAW;

  @Size(max = 32)
  @JsonPropertyDescription("Columns of a json source.")
  private List<ColumnSpec> schema = new ArrayList<>();

  @Pattern(STARTING_OFFSETS_PATTERN)
  @Size(max = 64)
  @Default("committed")
  @JsonPropertyDescription("committed (falling back to earliest), earliest, latest, or an RFC 3339 timestamp.")
  private String startingOffsets = "committed";

  @JsonPropertyDescription("Event time (a column or the Kafka record timestamp) and its watermark, per partition;"
      + " without it the source has processing time only.")
  private EventTimeSpec eventTime;

  @Default("append")
  @JsonPropertyDescription("append: every record is a new row. upsert: the topic is a table (a compacted topic),"
      + " the latest row per key: the record key is a JSON object of the key columns (as a sink with key writes"
      + " it), a record with a value inserts or replaces its key's row, a tombstone (null value) deletes it.")
  private Changelog changelog = Changelog.APPEND;

  @Size(max = 16)
  @JsonPropertyDescription("The key columns of an upsert source: its primary key in SQL, read from the record key.")
  private List<String> key = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Format getFormat() {
    return format;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public List<ColumnSpec> getSchema() {
    return schema;
  }

  public void setSchema(List<ColumnSpec> schema) {
    this.schema = schema;
  }

  public String getStartingOffsets() {
    return startingOffsets;
  }

  public void setStartingOffsets(String startingOffsets) {
    this.startingOffsets = startingOffsets;
  }

  public EventTimeSpec getEventTime() {
    return eventTime;
  }

  public void setEventTime(EventTimeSpec eventTime) {
    this.eventTime = eventTime;
  }

  public Changelog getChangelog() {
    return changelog;
  }

  public void setChangelog(Changelog changelog) {
    this.changelog = changelog;
  }

  public List<String> getKey() {
    return key;
  }

  public void setKey(List<String> key) {
    this.key = key;
  }
}
