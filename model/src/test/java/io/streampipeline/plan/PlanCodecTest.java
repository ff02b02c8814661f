package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.model.StateBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's side of the operator-to-job contract: what the job accepts and refuses as a plan. */
class PlanCodecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static PipelinePlan plan(String deadLetterTopic, StartingOffsets offsets, EventTimePlan eventTime) {
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "shop/orders", "kafka:9092",
        List.of(new SourcePlan("orders", "orders-in", Format.JSON,
            List.of(new ColumnPlan("id", "BIGINT", true), new ColumnPlan("at", "TIMESTAMP(3)", false)),
            offsets, eventTime),
            new SourcePlan("lines", "lines-in", Format.RAW, List.of(new ColumnPlan("line", "STRING", true)),
                StartingOffsets.of(StartingOffsets.Mode.COMMITTED), null)),
        "SELECT id FROM orders", new SinkPlan("orders-out", Format.JSON, List.of("id")), deadLetterTopic,
        DeliveryGuarantee.EXACTLY_ONCE, 10_000, 3, 5_000, "streampipeline.shop.orders",
        "streampipeline.shop.orders", null, null);
  }

  @Test
  void planSurvivesTheRoundTrip() {
    PipelinePlan full = plan("orders-dead", new StartingOffsets(StartingOffsets.Mode.TIMESTAMP, 1_700_000_000_000L),
        new EventTimePlan("at", 2_000, 60_000));
    assertThat(PlanCodec.decode(PlanCodec.encode(full))).isEqualTo(full);
  }

  @Test
  void stateSettingsSurviveTheRoundTrip() {
    PipelinePlan base = plan(null, StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    PipelinePlan withState = new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(),
        base.sources(), base.sql(), base.sink(), base.deadLetterTopic(), base.delivery(), base.checkpointIntervalMs(),
        base.restartAttempts(), base.restartDelayMs(), base.consumerGroup(), base.transactionalIdPrefix(),
        new StatePlan(StateBackend.HASHMAP, 3_600_000L), null);
    assertThat(PlanCodec.decode(PlanCodec.encode(withState))).isEqualTo(withState);
  }

  static PipelinePlan minimalPlan() {
    return plan(null, StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
  }

  @Test
  void anUpsertSourceSurvivesTheRoundTrip() {
    PipelinePlan base = plan(null, StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    SourcePlan orders = base.sources().get(0);
    SourcePlan table = new SourcePlan(orders.name(), orders.topic(), orders.format(), orders.columns(),
        orders.startingOffsets(), orders.eventTime(), List.of("id"));
    PipelinePlan withTable = new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(),
        List.of(table), base.sql(), base.sink(), base.deadLetterTopic(), base.delivery(), base.checkpointIntervalMs(),
        base.restartAttempts(), base.restartDelayMs(), base.consumerGroup(), base.transactionalIdPrefix(),
        base.state(), base.kafkaProperties());
    assertThat(PlanCodec.decode(PlanCodec.encode(withTable))).isEqualTo(withTable);
  }

  @Test
  void anUpsertKeyThatIsNotAColumnIsRefusedByName() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    ((ObjectNode) tree.withArray("sources").get(0)).putArray("upsertKey").add("customer");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("sources[0].upsertKey: 'customer' is not a column of the source");
  }

  @Test
  void planWithoutOptionalPartsSurvivesTheRoundTrip() {
    PipelinePlan minimal = minimalPlan();
    assertThat(PlanCodec.decode(PlanCodec.encode(minimal))).isEqualTo(minimal);
    assertThat(PlanCodec.encode(minimal)).doesNotContain("kafkaProperties");
  }

  @Test
  void kafkaPropertiesSurviveTheRoundTrip() {
    PipelinePlan secured = minimalPlan().withKafka("kafka:9093", Map.of("security.protocol", "SASL_SSL",
        "sasl.jaas.config", "${directory:/etc/streampipeline/kafka/user:sasl.jaas.config}"));
    assertThat(PlanCodec.decode(PlanCodec.encode(secured))).isEqualTo(secured);
  }

  @Test
  void literalSecretsInKafkaPropertiesAreRefusedWithoutRepeatingThem() throws Exception {
    String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"s3cret\";";
    for (Map.Entry<String, String> secret : List.of(Map.entry("sasl.jaas.config", jaas),
        Map.entry("ssl.keystore.password", "s3cret"), Map.entry("ssl.key.password", "s3cret"),
        Map.entry("ssl.keystore.key", "-----BEGIN PRIVATE KEY----- s3cret"),
        Map.entry("ssl.truststore.password", "prefix ${directory:/x:y}"))) {
      ObjectNode tree = tree(minimalPlan());
      tree.putObject("kafkaProperties").put(secret.getKey(), secret.getValue());
      assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
          .isInstanceOf(InvalidPlanException.class)
          .hasMessageStartingWith("kafkaProperties." + secret.getKey() + ": holds a secret value; refer to it"
              + " through a Kafka config provider")
          .message().doesNotContain("s3cret");
    }
  }

  @Test
  void kafkaPropertiesTheJobSetsFromThePlanAreRefused() throws Exception {
    ObjectNode tree = tree(minimalPlan());
    tree.putObject("kafkaProperties").put("group.id", "someone-else");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("kafkaProperties.group.id: set by the job from the plan's consumerGroup");
  }

  @Test
  void aPlanOfTheVersionBeforeKafkaPropertiesIsRefusedByVersion() throws Exception {
    ObjectNode tree = tree(minimalPlan());
    tree.put("version", 1);
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("version: plan version 1 is not supported");
  }

  @Test
  void unknownFieldIsRefusedByName() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    ((ObjectNode) tree.withArray("sources").get(0)).put("compression", "zstd");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("sources[0].compression: unknown field 'compression'");
  }

  @Test
  void otherVersionIsRefused() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    tree.put("version", PlanCodec.CURRENT_VERSION + 1);
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("version: plan version " + (PlanCodec.CURRENT_VERSION + 1)
            + " is not supported; this job reads plan version " + PlanCodec.CURRENT_VERSION);
  }

  @Test
  void missingVersionIsRefused() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    tree.remove("version");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("version: missing");
  }

  @Test
  void missingFieldIsNamedInTheMessage() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    ArrayNode sources = tree.withArray("sources");
    ((ObjectNode) sources.get(1)).remove("topic");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sources[1].topic: ");
  }

  @Test
  void blankRequiredValueIsNamedInTheMessage() throws Exception {
    ObjectNode tree = tree(plan(null, StartingOffsets.of(StartingOffsets.Mode.LATEST), null));
    tree.put("consumerGroup", "");
    assertThatThrownBy(() -> PlanCodec.decode(tree.toString()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("consumerGroup: required");
  }

  @Test
  void notJsonIsRefused() {
    assertThatThrownBy(() -> PlanCodec.decode("{not json"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("plan: not valid JSON");
  }

  private static ObjectNode tree(PipelinePlan plan) throws Exception {
    return (ObjectNode) JSON.readTree(PlanCodec.encode(plan));
  }
}
