package io.streampipeline.job;

import io.streampipeline.plan.PipelinePlan;
import java.util.Properties;

/** What every Kafka client of the job starts from: the plan's extra client properties (security, for one). */
final class KafkaClientProperties {

  private KafkaClientProperties() {}

  /** A new, modifiable copy: the job adds each client's own settings, which take precedence. */
  static Properties of(PipelinePlan plan) {
    Properties properties = new Properties();
    properties.putAll(plan.kafkaPropertiesOrEmpty());
    return properties;
  }
}
