package io.streampipeline.operator.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streampipeline.operator.testing.ArgoCdHealth;
import io.streampipeline.operator.testing.ArgoCdHealth.ScriptFailed;
import io.streampipeline.operator.testing.ArgoCdHealth.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped Argo CD health check on statuses the operator cannot easily be brought to in a test (the operator
 * tests assert it on their real statuses: Healthy, Progressing, Degraded, Suspended), and the interpreter's own
 * fidelity: it must refuse what Argo CD refuses, or a passing script proves nothing.
 */
class ArgoCdHealthCheckTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      no status yet                 | Progressing | {"metadata":{"generation":1}}
      status of an older generation | Progressing | {"metadata":{"generation":3},"status":{"observedGeneration":2,"phase":"Running","conditions":[{"type":"Ready","status":"True","reason":"JobRunning"}]}}
      status without conditions     | Progressing | {"metadata":{"generation":1},"status":{"observedGeneration":1}}
      stalled wins over a stale ready | Degraded  | {"metadata":{"generation":1},"status":{"observedGeneration":1,"phase":"Upgrading","conditions":[{"type":"Ready","status":"False","reason":"UpgradeStuck","message":"m"},{"type":"Stalled","status":"True","reason":"UpgradeStuck","message":"the job upgrade has not finished after 10 minutes"}]}}
      """)
  void edgeCases(String name, String expected, String object) {
    assertThat(ArgoCdHealth.run(ArgoCdHealth.SCRIPT, object).status()).isEqualTo(expected);
  }

  @Test
  void aStalledPipelineSaysWhy() {
    Verdict verdict = ArgoCdHealth.run(ArgoCdHealth.SCRIPT, """
        {"metadata":{"generation":1},"status":{"observedGeneration":1,"phase":"Failed","conditions":[
          {"type":"Stalled","status":"True","reason":"InvalidSpec","message":"invalid spec: spec.transform.sql: x"}]}}""");
    assertThat(verdict).isEqualTo(new Verdict("Degraded", "InvalidSpec: invalid spec: spec.transform.sql: x"));
  }

  @Test
  void theInterpreterOpensOnlyTheLibrariesArgoCdOpens(@TempDir Path dir) throws Exception {
    Path usesString = Files.writeString(dir.resolve("string.lua"), "return {status = string.lower('Healthy')}");
    assertThatThrownBy(() -> ArgoCdHealth.run(usesString, "{}")).isInstanceOf(ScriptFailed.class)
        .hasMessageContaining("'lower'");
    Path usesMath = Files.writeString(dir.resolve("math.lua"), "return {status = 'Healthy', message = math.floor(1.5)}");
    assertThatThrownBy(() -> ArgoCdHealth.run(usesMath, "{}")).isInstanceOf(ScriptFailed.class);
    Path stringMethod = Files.writeString(dir.resolve("method.lua"), "return {status = ('healthy'):upper()}");
    assertThatThrownBy(() -> ArgoCdHealth.run(stringMethod, "{}")).as("strings have no methods without the string library")
        .isInstanceOf(ScriptFailed.class);
    Path unknownStatus = Files.writeString(dir.resolve("unknown.lua"), "return {status = 'Fine'}");
    assertThatThrownBy(() -> ArgoCdHealth.run(unknownStatus, "{}")).isInstanceOf(ScriptFailed.class)
        .hasMessageContaining("invalid health status");
    Path tables = Files.writeString(dir.resolve("table.lua"),
        "local t = {}; table.insert(t, 'Healthy'); return {status = t[1]}");
    assertThat(ArgoCdHealth.run(tables, "{}").status()).as("table is open").isEqualTo("Healthy");
  }
}
