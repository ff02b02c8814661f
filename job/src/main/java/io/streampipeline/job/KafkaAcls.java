package io.streampipeline.job;

import io.streampipeline.plan.KafkaAccess;
import io.streampipeline.plan.KafkaAccess.AclRule;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * {@link KafkaAccess} as Kafka's Admin API takes ACLs, as Strimzi's User Operator applies a {@code KafkaUser}'s
 * {@code simple} authorization: one allowing binding per operation, from any host.
 */
public final class KafkaAcls {

  private KafkaAcls() {}

  public static List<AclBinding> bindings(String principal, KafkaAccess access) {
    List<AclBinding> bindings = new ArrayList<>();
    for (AclRule rule : access.rules()) {
      ResourcePattern resource = new ResourcePattern(ResourceType.valueOf(rule.resourceType().name()), rule.name(),
          rule.patternType() == KafkaAccess.PatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL);
      for (KafkaAccess.Operation operation : rule.operations()) {
        bindings.add(new AclBinding(resource, new AccessControlEntry(principal, "*",
            AclOperation.valueOf(operation.name()), AclPermissionType.ALLOW)));
      }
    }
    return bindings;
  }
}
