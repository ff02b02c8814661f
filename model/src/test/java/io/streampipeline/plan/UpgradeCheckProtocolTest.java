package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UpgradeCheckProtocolTest {

  @Test
  void aResultTravelsThroughTheTerminationMessageAsItWasWritten() {
    UpgradeCheckProtocol.Result result = new UpgradeCheckProtocol.Result("STATE_DROPPED", "compatible with state dropped",
        List.of("GroupAggregate(groupBy=[word]): its state has no operator in the new version"), 0);

    UpgradeCheckProtocol.Result read = UpgradeCheckProtocol.Result.decode(result.encode());

    assertThat(read).isEqualTo(result);
    assertThat(read.keepsState()).isFalse();
    assertThat(read.describe()).isEqualTo("compatible with state dropped; GroupAggregate(groupBy=[word]): its state"
        + " has no operator in the new version");
  }

  @Test
  void findingsBeyondTheTerminationMessageLimitAreCountedNotWritten() {
    List<String> findings = IntStream.range(0, 40).mapToObj(i -> "operator " + i + ": " + "x".repeat(200)).toList();
    String encoded = new UpgradeCheckProtocol.Result("INCOMPATIBLE", "incompatible", findings, 0).encode();

    assertThat(encoded.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(UpgradeCheckProtocol.MAX_MESSAGE_BYTES);
    UpgradeCheckProtocol.Result read = UpgradeCheckProtocol.Result.decode(encoded);
    assertThat(read.findings()).isNotEmpty().isEqualTo(findings.subList(0, read.findings().size()));
    assertThat(read.findings().size() + read.omitted()).isEqualTo(40);
    assertThat(read.describe()).endsWith("; and " + read.omitted() + " more");
  }

  @Test
  void aMessageThatIsNoResultIsRefusedWithWhatWasRead() {
    assertThatThrownBy(() -> UpgradeCheckProtocol.Result.decode("Exception in thread \"main\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an upgrade check result");
    assertThatThrownBy(() -> UpgradeCheckProtocol.Result.decode("{\"summary\":\"s\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no verdict");
  }
}
