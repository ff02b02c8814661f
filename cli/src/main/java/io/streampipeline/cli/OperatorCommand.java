package io.streampipeline.cli;

import io.streampipeline.operator.OperatorMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "operator", mixinStandardHelpOptions = true,
    description = {"Run the StreamPipeline operator against the current kubeconfig (or in-cluster account)",
        "until stopped with Ctrl-C. Configured by the environment: STREAMPIPELINE_WATCH_NAMESPACES,",
        "STREAMPIPELINE_JOB_IMAGE, STREAMPIPELINE_FLINK_SERVICE_ACCOUNT, STREAMPIPELINE_STATE_* (state storage),",
        "STREAMPIPELINE_HEALTH_PORT (8080), STREAMPIPELINE_LEADER_ELECTION_NAMESPACE."})
final class OperatorCommand implements Callable<Integer> {

  @Mixin
  private Verbosity verbosity;

  @Override
  public Integer call() throws Exception {
    // The operator's log is its output: INFO unless the user asks for more detail.
    org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.INFO);
    OperatorMain.run(System.getenv());
    return ExitCode.OK.code();
  }
}
