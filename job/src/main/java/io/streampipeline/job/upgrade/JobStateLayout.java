package io.streampipeline.job.upgrade;

import io.streampipeline.job.LocalPipeline;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * The stateful operators of a plan's job, built exactly as the job builds it, by the operator ID that
 * savepoint state is stored under.
 *
 * <p>Sources and decoders have explicit uids; the SQL planner's operators have none in Flink 1.20, so their
 * IDs are Flink's hashes of the graph's shape ({@link StreamGraphHasherV2}: position in the graph, chaining,
 * inputs), which say nothing about what an operator computes. A window of another size, a group key read
 * from another column or a new filter upstream keep the same ID, and Flink restores the old state into
 * them without complaint. So each operator also gets a {@linkplain StatefulOperator#meaning meaning}: the
 * planner's description of it and of everything upstream, down to the sources' topics and schemas.
 *
 * <p>Keyed operators are the SQL operators with state. Sink writers and committers also hold state, but
 * only the bookkeeping of Kafka transactions that a savepoint has already committed, so they are left out.
 */
final class JobStateLayout {

  /** The planner numbers its nodes per JVM ({@code [11]:GroupAggregate}, {@code datastream_source$1}). */
  private static final Pattern NODE_NUMBER = Pattern.compile("^\\[\\d+]:");
  private static final Pattern ANONYMOUS_TABLE_NUMBER = Pattern.compile("(\\*anonymous_\\w+)\\$\\d+\\*");
  /**
   * {@code COUNT(*) AS hits}: the name an operator gives its own output columns. Not part of the state's
   * meaning (a downstream operator that refers to the name has it in its own description), while
   * {@code CAST(x AS INT)} is, and is not matched: it is followed by a parenthesis, not a comma or bracket.
   */
  private static final Pattern OUTPUT_ALIAS = Pattern.compile("\\s+AS\\s+[\\w$'`]+(?=[,\\]])");

  private JobStateLayout() {}

  static Map<OperatorID, StatefulOperator> of(PipelinePlan plan, int parallelism) {
    StreamGraph graph = LocalPipeline.streamGraph(plan, parallelism);
    Map<Integer, byte[]> hashes = new StreamGraphHasherV2().traverseStreamGraphAndGenerateHashes(graph);
    Map<String, SourcePlan> sources = plan.sources().stream()
        .collect(Collectors.toMap(s -> SOURCE_UID_PREFIX + s.name(), s -> s));
    Meanings meanings = new Meanings(graph, plan);
    Map<OperatorID, StatefulOperator> operators = new LinkedHashMap<>();
    List<StreamNode> nodes = graph.getStreamNodes().stream().sorted(Comparator.comparingInt(StreamNode::getId)).toList();
    for (StreamNode node : nodes) {
      OperatorID id = new OperatorID(hashes.get(node.getId()));
      SourcePlan source = sources.get(node.getTransformationUID());
      if (source != null) {
        operators.put(id, new StatefulOperator(id, StatefulOperator.Kind.SOURCE,
            "source " + source.name() + " (topic " + source.topic() + ")", meanings.of(node), Set.of(source.name())));
      } else if (node.getStateKeySerializer() != null) {
        operators.put(id, new StatefulOperator(id, StatefulOperator.Kind.SQL, description(node),
            meanings.ofOwnState(node), meanings.sourcesOf(node)));
      }
    }
    return operators;
  }

  /** The job's uids of a source and of its decoder (see {@code PipelineJob.build}). */
  private static final String SOURCE_UID_PREFIX = "source-";
  private static final String DECODE_UID_PREFIX = "decode-";

  /** The planner's description without its per-JVM node numbers. */
  static String description(StreamNode node) {
    String description = node.getOperatorDescription() == null ? node.getOperatorName() : node.getOperatorDescription();
    return ANONYMOUS_TABLE_NUMBER.matcher(NODE_NUMBER.matcher(description).replaceFirst("")).replaceAll("$1*");
  }

  /** Meanings of the nodes of one graph, each computed once. */
  private static final class Meanings {

    private final StreamGraph graph;
    private final Map<String, SourcePlan> sourcesByUid = new HashMap<>();
    private final Map<Integer, String> meanings = new HashMap<>();
    private final Map<Integer, Set<String>> upstreamSources = new HashMap<>();

    Meanings(StreamGraph graph, PipelinePlan plan) {
      this.graph = graph;
      for (SourcePlan source : plan.sources()) {
        sourcesByUid.put(SOURCE_UID_PREFIX + source.name(), source);
        sourcesByUid.put(DECODE_UID_PREFIX + source.name(), source);
      }
    }

    /** The meaning of a stateful operator's state: its output's names are not part of it. */
    String ofOwnState(StreamNode node) {
      return OUTPUT_ALIAS.matcher(description(node)).replaceAll("") + inputs(node);
    }

    String of(StreamNode node) {
      String known = meanings.get(node.getId());
      if (known != null) {
        return known;
      }
      String meaning = own(node) + inputs(node);
      meanings.put(node.getId(), meaning);
      return meaning;
    }

    Set<String> sourcesOf(StreamNode node) {
      Set<String> known = upstreamSources.get(node.getId());
      if (known != null) {
        return known;
      }
      Set<String> sources = new TreeSet<>();
      String uid = node.getTransformationUID();
      if (uid != null && uid.startsWith(SOURCE_UID_PREFIX) && sourcesByUid.containsKey(uid)) {
        sources.add(sourcesByUid.get(uid).name());
      }
      for (StreamEdge edge : node.getInEdges()) {
        sources.addAll(sourcesOf(graph.getSourceVertex(edge)));
      }
      upstreamSources.put(node.getId(), sources);
      return sources;
    }

    /**
     * A source reads its topic; a decoder reads its source's format, schema and upsert key, which decide which
     * records become rows (and which rows replace each other) and which go to the dead-letter topic. Everything
     * else is what the planner says it does.
     */
    private String own(StreamNode node) {
      String uid = node.getTransformationUID();
      SourcePlan source = uid == null ? null : sourcesByUid.get(uid);
      if (source != null && uid.startsWith(SOURCE_UID_PREFIX)) {
        return "source(topic=" + source.topic() + ")";
      }
      if (source != null) {
        return "decode(format=" + source.format() + ", columns=" + source.columns() + ", eventTime="
            + source.eventTime() + (source.upsert() ? ", upsertKey=" + source.upsertKey() : "") + ")";
      }
      return description(node);
    }

    /** The inputs in the order the operator reads them (a join's left before its right). */
    private String inputs(StreamNode node) {
      List<StreamEdge> edges = node.getInEdges().stream()
          .sorted(Comparator.comparingInt(StreamEdge::getTypeNumber)).toList();
      if (edges.isEmpty()) {
        return "";
      }
      return edges.stream().map(e -> of(graph.getSourceVertex(e))).collect(Collectors.joining(" | ", " <- [", "]"));
    }
  }
}
