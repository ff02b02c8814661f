package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Seeded StreamPipelines for the parity test: valid ones that use every part of the spec, and each valid one
 * broken in one field by one of {@link #BREAKS} (a schema bound, a pattern, an enum, a type, a required field,
 * an unknown field, a CEL rule). The same seed gives the same pipelines.
 */
final class GeneratedPipelines {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> COLUMN_TYPES = List.of("STRING", "BOOLEAN", "INT", "BIGINT", "FLOAT", "DOUBLE",
      "DATE", "DECIMAL(10,2)", "DECIMAL(5, 0)", "TIMESTAMP", "TIMESTAMP(3)", "TIMESTAMP_LTZ(3)");

  /** A change that breaks (or, for a few, only stretches) one field of a valid spec. */
  record Break(String name, BiConsumer<ObjectNode, Random> apply) {}

  static final List<Break> BREAKS = List.of(
      new Break("parallelism above maximum", (s, r) -> job(s).put("parallelism", 1025 + r.nextInt(5000))),
      new Break("parallelism zero", (s, r) -> job(s).put("parallelism", 0)),
      new Break("parallelism above maxParallelism", (s, r) -> job(s).put("parallelism", 200 + r.nextInt(800))
          .put("maxParallelism", 128 + r.nextInt(72))),
      new Break("maxParallelism above maximum", (s, r) -> job(s).put("maxParallelism", 32769 + r.nextInt(1000))),
      new Break("parallelism as string", (s, r) -> job(s).put("parallelism", "four")),
      new Break("parallelism as fraction", (s, r) -> job(s).put("parallelism", 1.5)),
      new Break("memory not a quantity", (s, r) -> job(s).putObject("taskManager").put("memory", "lots")),
      new Break("cpu below minimum", (s, r) -> job(s).putObject("jobManager").put("cpu", 0.05)),
      new Break("delivery not in enum", (s, r) -> job(s).put("delivery", "twice")),
      new Break("upgradeMode not in enum", (s, r) -> job(s).put("upgradeMode", "Savepoint")),
      new Break("checkpointInterval in days", (s, r) -> job(s).put("checkpointInterval", "1d")),
      new Break("restartDelay with a space", (s, r) -> job(s).put("restartDelay", "10 s")),
      new Break("restartAttempts negative", (s, r) -> job(s).put("restartAttempts", -1)),
      new Break("flinkConfiguration value not a string", (s, r) -> job(s).putObject("flinkConfiguration")
          .putObject("a.b").put("c", 1)),
      new Break("cluster upper case", (s, r) -> s.with("kafka").put("cluster", "Events")),
      new Break("cluster missing", (s, r) -> s.with("kafka").remove("cluster")),
      new Break("cluster too long", (s, r) -> s.with("kafka").put("cluster", "k".repeat(64))),
      new Break("kafka missing", (s, r) -> s.remove("kafka")),
      new Break("source topic with space", (s, r) -> source(s, r).put("topic", "bad topic")),
      new Break("source topic with trailing newline", (s, r) -> source(s, r).put("topic", "lines\n")),
      new Break("source name starts with digit", (s, r) -> source(s, r).put("name", "1abc")),
      new Break("source partitions zero", (s, r) -> source(s, r).put("partitions", 0)),
      new Break("source partitions above maximum", (s, r) -> source(s, r).put("partitions", 10001)),
      new Break("source replicas as string", (s, r) -> source(s, r).put("replicas", "three")),
      new Break("source format not in enum", (s, r) -> source(s, r).put("format", "avro")),
      new Break("json source without schema", (s, r) -> {
        ObjectNode source = source(s, r);
        source.put("format", "json");
        source.remove("schema");
        source.remove("eventTime");
      }),
      new Break("event time on a string column", (s, r) -> {
        ObjectNode source = source(s, r);
        source.put("format", "json");
        source.set("schema", JSON.arrayNode().add(column("ts", "STRING")));
        source.putObject("eventTime").put("column", "ts");
      }),
      new Break("event time without column", (s, r) -> source(s, r).putObject("eventTime").put("watermarkDelay", "5s")),
      new Break("column type unknown", (s, r) -> {
        ObjectNode source = source(s, r);
        source.put("format", "json");
        source.remove("eventTime");
        source.set("schema", JSON.arrayNode().add(column("c", "VARCHAR")));
      }),
      new Break("startingOffsets unknown", (s, r) -> source(s, r).put("startingOffsets", "yesterday")),
      new Break("duplicate source name", (s, r) -> {
        ArrayNode sources = (ArrayNode) s.get("sources");
        ObjectNode copy = sources.get(0).deepCopy();
        copy.put("topic", "another-topic");
        sources.add(copy);
      }),
      new Break("duplicate source topic", (s, r) -> {
        ArrayNode sources = (ArrayNode) s.get("sources");
        ObjectNode copy = sources.get(0).deepCopy();
        copy.put("name", "another_name");
        sources.add(copy);
      }),
      new Break("no sources", (s, r) -> s.putArray("sources")),
      new Break("nine sources", (s, r) -> {
        ArrayNode sources = s.putArray("sources");
        for (int i = 0; i < 9; i++) {
          sources.addObject().put("name", "s" + i).put("topic", "in-" + i);
        }
      }),
      new Break("sources not a list", (s, r) -> s.putObject("sources").put("name", "lines")),
      new Break("sink topic is a source topic", (s, r) -> s.with("sink").put("topic",
          source(s, r).get("topic").asText())),
      new Break("sink replicas zero", (s, r) -> s.with("sink").put("replicas", 0)),
      new Break("sink key too long", (s, r) -> {
        ArrayNode key = s.with("sink").putArray("key");
        for (int i = 0; i < 17; i++) {
          key.add("k" + i);
        }
      }),
      new Break("sink missing", (s, r) -> s.remove("sink")),
      new Break("dead letter topic is the sink", (s, r) -> s.putObject("deadLetter").put("topic",
          s.get("sink").get("topic").asText())),
      new Break("dead letter without topic", (s, r) -> s.putObject("deadLetter").put("partitions", 2)),
      new Break("empty sql", (s, r) -> s.with("transform").put("sql", "")),
      new Break("transform missing", (s, r) -> s.remove("transform")),
      new Break("deletionPolicy not in enum", (s, r) -> s.putObject("topics").put("deletionPolicy", "Keep")),
      new Break("unknown field in spec", (s, r) -> s.put("paralelism", 2)),
      new Break("unknown field in a source", (s, r) -> source(s, r).put("partition", 3)),
      new Break("unknown field in job", (s, r) -> job(s).putObject("resources").put("cpu", 1)),
      new Break("null dead letter (pruned: valid)", (s, r) -> s.putNull("deadLetter")),
      new Break("null parallelism (defaulted: valid)", (s, r) -> job(s).putNull("parallelism")));

  private final Random random;

  GeneratedPipelines(long seed) {
    this.random = new Random(seed);
  }

  /** A valid StreamPipeline named {@code name}. */
  ObjectNode valid(String name) {
    ObjectNode pipeline = JSON.objectNode();
    pipeline.put("apiVersion", "streampipeline.io/v1alpha1").put("kind", "StreamPipeline");
    pipeline.putObject("metadata").put("name", name);
    ObjectNode spec = pipeline.putObject("spec");
    ObjectNode kafka = spec.putObject("kafka").put("cluster", pick("events", "kafka-a", "k1"));
    if (random.nextBoolean()) {
      kafka.put("bootstrapServers", "broker:9092");
    }
    ArrayNode sources = spec.putArray("sources");
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      sources.add(source(i));
    }
    spec.putObject("transform").put("sql", "SELECT * FROM s0");
    ObjectNode sink = spec.putObject("sink").put("topic", "out-" + random.nextInt(100));
    optional(() -> sink.put("partitions", 1 + random.nextInt(12)));
    optional(() -> sink.put("format", pick("json", "raw")));
    optional(() -> sink.putArray("key").add("k"));
    optional(() -> sink.putObject("config").put("retention.ms", "60000"));
    optional(() -> spec.putObject("deadLetter").put("topic", "dlq-" + random.nextInt(100))
        .put("partitions", 1 + random.nextInt(3)));
    optional(() -> {
      ObjectNode job = spec.putObject("job");
      optional(() -> {
        int parallelism = 1 + random.nextInt(1024);
        job.put("parallelism", parallelism);
        // Above the default maxParallelism (128) a valid spec raises it too.
        if (parallelism > 128 || random.nextBoolean()) {
          job.put("maxParallelism", Math.max(parallelism, 128) + random.nextInt(4096));
        }
      });
      optional(() -> job.put("delivery", pick("exactly-once", "at-least-once")));
      optional(() -> job.put("checkpointInterval", pick("500ms", "10s", "1m", "2h")));
      optional(() -> job.put("upgradeMode", pick("savepoint", "last-state", "stateless")));
      optional(() -> job.put("state", pick("running", "suspended")));
      optional(() -> job.put("restartAttempts", random.nextInt(20)));
      optional(() -> job.putObject("taskManager").put("memory", pick("1024Mi", "2Gi")).put("cpu", 0.5));
      optional(() -> job.putObject("flinkConfiguration").put("state.backend.type", "rocksdb"));
    });
    optional(() -> spec.putObject("topics").put("deletionPolicy", pick("Retain", "Delete")));
    return pipeline;
  }

  /** {@code pipeline} broken by {@code change}. */
  ObjectNode broken(ObjectNode pipeline, Break change) {
    ObjectNode copy = pipeline.deepCopy();
    change.apply().accept((ObjectNode) copy.get("spec"), random);
    return copy;
  }

  Random random() {
    return random;
  }

  private ObjectNode source(int i) {
    ObjectNode source = JSON.objectNode().put("name", "s" + i).put("topic", "in-" + i + "." + random.nextInt(1000));
    optional(() -> source.put("partitions", 1 + random.nextInt(12)));
    optional(() -> source.put("replicas", 1 + random.nextInt(3)));
    optional(() -> source.put("startingOffsets", pick("committed", "earliest", "latest", "2024-01-01T00:00:00Z")));
    optional(() -> source.putObject("config").put("retention.ms", "60000"));
    if (random.nextBoolean()) {
      source.put("format", "json");
      ArrayNode schema = source.putArray("schema");
      int columns = 1 + random.nextInt(4);
      for (int c = 0; c < columns; c++) {
        schema.add(column("c" + c, COLUMN_TYPES.get(random.nextInt(COLUMN_TYPES.size()))));
      }
      optional(() -> {
        schema.add(column("ts", pick("TIMESTAMP(3)", "TIMESTAMP_LTZ(3)")));
        ObjectNode eventTime = source.putObject("eventTime").put("column", "ts");
        optional(() -> eventTime.put("watermarkDelay", pick("500ms", "5s", "1m")));
      });
    } else {
      optional(() -> source.put("format", "raw"));
    }
    return source;
  }

  private static ObjectNode column(String name, String type) {
    return JSON.objectNode().put("name", name).put("type", type);
  }

  private static ObjectNode job(ObjectNode spec) {
    return spec.with("job");
  }

  /** One of the sources, picked at random. */
  private static ObjectNode source(ObjectNode spec, Random random) {
    JsonNode sources = spec.get("sources");
    return (ObjectNode) sources.get(random.nextInt(sources.size()));
  }

  private void optional(Runnable part) {
    if (random.nextBoolean()) {
      part.run();
    }
  }

  private String pick(String... values) {
    return values[random.nextInt(values.length)];
  }
}
