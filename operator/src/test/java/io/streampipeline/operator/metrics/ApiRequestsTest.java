package io.streampipeline.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiRequestsTest {

  @Test
  void resourceIsTheKindWithItsSubresourceNeverANameOrNamespace() {
    assertThat(ApiRequests.resource("/apis/streampipeline.io/v1alpha1/namespaces/team-a/streampipelines/orders/status"))
        .isEqualTo("streampipelines/status");
    assertThat(ApiRequests.resource("/apis/kafka.strimzi.io/v1/namespaces/team-a/kafkatopics/orders")).isEqualTo("kafkatopics");
    assertThat(ApiRequests.resource("/apis/kafka.strimzi.io/v1/namespaces/team-a/kafkatopics")).isEqualTo("kafkatopics");
    assertThat(ApiRequests.resource("/apis/flink.apache.org/v1beta1/flinkdeployments")).isEqualTo("flinkdeployments");
    assertThat(ApiRequests.resource("/api/v1/namespaces/team-a/events")).isEqualTo("events");
    assertThat(ApiRequests.resource("/api/v1/namespaces/team-a")).isEqualTo("namespaces");
    assertThat(ApiRequests.resource("/apis/coordination.k8s.io/v1/namespaces/ops/leases/streampipeline")).isEqualTo("leases");
    assertThat(ApiRequests.resource("/version")).isEqualTo("other");
  }
}
