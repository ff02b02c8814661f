package io.streampipeline.operator.children;

import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.KafkaAccess;
import io.streampipeline.plan.PipelinePlan;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserBuilder;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.util.List;
import java.util.Map;

/**
 * The Strimzi KafkaUser of a pipeline that names no Secret: its authentication, and {@code simple} authorization
 * with exactly the ACLs of {@link KafkaAccess} (the one definition the job's tests grant too), in the
 * {@code operations} form of {@code kafka.strimzi.io/v1}. Labelled {@code strimzi.io/cluster} for the User
 * Operator, and owned by the pipeline: deleting the pipeline deletes the user, its ACLs and its Secret.
 */
final class KafkaUserTemplate {

  private KafkaUserTemplate() {}

  static KafkaUser build(StreamPipeline pipeline, PipelinePlan plan, KafkaConnection connection) {
    Map<String, String> labels = ChildLabels.forPipeline(pipeline.getMetadata().getName());
    labels.put(ChildLabels.STRIMZI_CLUSTER, pipeline.getSpec().getKafka().getCluster());
    KafkaUserAuthorizationSimple authorization = new KafkaUserAuthorizationSimple();
    authorization.setAcls(KafkaAccess.of(plan).rules().stream().map(KafkaUserTemplate::acl).toList());
    return new KafkaUserBuilder()
        .withNewMetadata()
          .withName(connection.kafkaUser())
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(labels)
          .withOwnerReferences(PipelineChildren.ownerReference(pipeline))
        .endMetadata()
        .withNewSpec()
          .withAuthentication(authentication(connection.authentication()))
          .withAuthorization(authorization)
        .endSpec()
        .build();
  }

  private static KafkaUserAuthentication authentication(KafkaAuthenticationType type) {
    return switch (type) {
      case SCRAM_SHA_512 -> new KafkaUserScramSha512ClientAuthentication();
      case TLS -> new KafkaUserTlsClientAuthentication();
    };
  }

  private static AclRule acl(KafkaAccess.AclRule rule) {
    AclResourcePatternType pattern = switch (rule.patternType()) {
      case LITERAL -> AclResourcePatternType.LITERAL;
      case PREFIX -> AclResourcePatternType.PREFIX;
    };
    AclRuleResource resource = switch (rule.resourceType()) {
      case TOPIC -> {
        AclRuleTopicResource topic = new AclRuleTopicResource();
        topic.setName(rule.name());
        topic.setPatternType(pattern);
        yield topic;
      }
      case GROUP -> {
        AclRuleGroupResource group = new AclRuleGroupResource();
        group.setName(rule.name());
        group.setPatternType(pattern);
        yield group;
      }
      case TRANSACTIONAL_ID -> {
        AclRuleTransactionalIdResource id = new AclRuleTransactionalIdResource();
        id.setName(rule.name());
        id.setPatternType(pattern);
        yield id;
      }
    };
    AclRule acl = new AclRule();
    acl.setResource(resource);
    acl.setOperations(rule.operations().stream().map(operation -> switch (operation) {
      case READ -> AclOperation.READ;
      case WRITE -> AclOperation.WRITE;
    }).toList());
    return acl;
  }
}
