package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.KafkaAccess.AclRule;
import io.streampipeline.plan.KafkaAccess.Operation;
import io.streampipeline.plan.KafkaAccess.PatternType;
import io.streampipeline.plan.KafkaAccess.ResourceType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ACLs a pipeline's Kafka user gets: what its job reads and writes, nothing else. */
class KafkaAccessTest {

  private static PipelinePlan plan(DeliveryGuarantee delivery, String deadLetterTopic, String... sourceTopics) {
    List<SourcePlan> sources = Arrays.stream(sourceTopics)
        .map(topic -> new SourcePlan("s" + topic.length(), topic, Format.RAW,
            List.of(new ColumnPlan(SourcePlan.RAW_COLUMN, "STRING", true)),
            StartingOffsets.of(StartingOffsets.Mode.COMMITTED), null))
        .toList();
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "shop/orders", "kafka:9093", sources, "SELECT 1",
        new SinkPlan("orders-out", Format.JSON, List.of()), deadLetterTopic, delivery, 10_000, 3, 5_000,
        "streampipeline.shop.orders", "streampipeline.shop.orders", null, null);
  }

  @Test
  void exactlyOnceWithDeadLettersNeedsTransactionalIdsForBothSinks() {
    assertThat(KafkaAccess.of(plan(DeliveryGuarantee.EXACTLY_ONCE, "orders-dead", "orders-in", "lines")).rules())
        .containsExactly(
            new AclRule(ResourceType.TOPIC, "orders-in", PatternType.LITERAL, List.of(Operation.READ)),
            new AclRule(ResourceType.TOPIC, "lines", PatternType.LITERAL, List.of(Operation.READ)),
            new AclRule(ResourceType.GROUP, "streampipeline.shop.orders", PatternType.LITERAL, List.of(Operation.READ)),
            new AclRule(ResourceType.TOPIC, "orders-out", PatternType.LITERAL, List.of(Operation.WRITE)),
            new AclRule(ResourceType.TOPIC, "orders-dead", PatternType.LITERAL, List.of(Operation.WRITE)),
            new AclRule(ResourceType.TRANSACTIONAL_ID, "streampipeline.shop.orders-", PatternType.PREFIX,
                List.of(Operation.WRITE)),
            new AclRule(ResourceType.TRANSACTIONAL_ID, "streampipeline.shop.orders.dead-letter-", PatternType.PREFIX,
                List.of(Operation.WRITE)));
  }

  @Test
  void eachOfSeveralSinksGetsItsTopicAndItsOwnTransactionalIds() {
    PipelinePlan one = plan(DeliveryGuarantee.EXACTLY_ONCE, null, "orders-in");
    PipelinePlan several = new PipelinePlan(one.version(), one.pipeline(), one.bootstrapServers(), one.sources(),
        one.sql(), null, null, one.delivery(), one.checkpointIntervalMs(), one.restartAttempts(),
        one.restartDelayMs(), one.consumerGroup(), one.transactionalIdPrefix(), null, null,
        List.of(new SinkPlan("paid", Format.JSON, List.of(), "paid"), new SinkPlan("late", Format.JSON, List.of(), "late")));
    assertThat(KafkaAccess.of(several).rules()).extracting(AclRule::describe).containsExactly(
        "READ on topic 'orders-in'", "READ on group 'streampipeline.shop.orders'", "WRITE on topic 'paid'",
        "WRITE on topic 'late'", "WRITE on transactional ids starting 'streampipeline.shop.orders.sink.paid-'",
        "WRITE on transactional ids starting 'streampipeline.shop.orders.sink.late-'");
  }

  @Test
  void atLeastOnceWritesWithoutTransactions() {
    assertThat(KafkaAccess.of(plan(DeliveryGuarantee.AT_LEAST_ONCE, null, "orders-in")).rules())
        .containsExactly(
            new AclRule(ResourceType.TOPIC, "orders-in", PatternType.LITERAL, List.of(Operation.READ)),
            new AclRule(ResourceType.GROUP, "streampipeline.shop.orders", PatternType.LITERAL, List.of(Operation.READ)),
            new AclRule(ResourceType.TOPIC, "orders-out", PatternType.LITERAL, List.of(Operation.WRITE)));
  }

  @Test
  void aTopicReadByTwoSourcesIsGrantedOnce() {
    assertThat(KafkaAccess.of(plan(DeliveryGuarantee.AT_LEAST_ONCE, null, "orders-in", "orders-in")).rules())
        .filteredOn(rule -> rule.resourceType() == ResourceType.TOPIC && rule.operations().contains(Operation.READ))
        .hasSize(1);
  }

  @Test
  void ruleDescriptionNamesTheResource() {
    List<AclRule> rules = KafkaAccess.of(plan(DeliveryGuarantee.EXACTLY_ONCE, null, "orders-in")).rules();
    assertThat(rules.get(0).describe()).isEqualTo("READ on topic 'orders-in'");
    assertThat(rules.get(rules.size() - 1).describe())
        .isEqualTo("WRITE on transactional ids starting 'streampipeline.shop.orders-'");
  }
}
