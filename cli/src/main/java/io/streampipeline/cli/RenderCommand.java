package io.streampipeline.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.DesiredTopic;
import io.streampipeline.operator.children.KafkaAccessRefused;
import io.streampipeline.operator.children.KafkaConnection;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.InvalidPlanException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Print the KafkaTopics, the KafkaUser (spec.kafka.authentication without a secretName) and the",
        "FlinkDeployment the operator would create for a pipeline, as multi-document YAML, from the same code",
        "the operator runs. Without a cluster, spec.kafka.listener is assumed to be TLS and to take the spec's",
        "authentication, at spec.kafka.bootstrapServers or Strimzi's bootstrap Service.",
        "Outside a cluster the pipeline has no uid: owner references (the FlinkDeployment's, and the",
        "KafkaTopics' with deletionPolicy Delete) are printed WITHOUT uid unless --uid is given;",
        "the API server refuses them without one, so pass the live pipeline's uid to apply the output.",
        "The operator's environment (STREAMPIPELINE_JOB_IMAGE, ...) is read as the operator reads it."})
final class RenderCommand implements Callable<Integer> {

  @Spec
  private CommandSpec command;

  @Mixin
  private Verbosity verbosity;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "PIPELINE.yaml", description = "The pipeline.")
  private Path file;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Namespace of the pipeline (default: its metadata.namespace, else default).")
  private String namespace;

  @Option(names = "--job-image", paramLabel = "IMG",
      description = "Image of the bundled job (default: STREAMPIPELINE_JOB_IMAGE, else " + OperatorConfig.DEFAULT_JOB_IMAGE + ").")
  private String jobImage;

  @Option(names = "--uid", paramLabel = "UID", description = "The pipeline's uid, for the owner references.")
  private String uid;

  @Override
  public Integer call() {
    verbosity.applyLogLevel();
    StreamPipeline pipeline = PipelineFiles.readOne(file);
    if (namespace != null) {
      pipeline.getMetadata().setNamespace(namespace);
    } else if (pipeline.getMetadata().getNamespace() == null) {
      pipeline.getMetadata().setNamespace("default");
    }
    pipeline.getMetadata().setUid(uid);
    Map<String, String> env = new HashMap<>(System.getenv());
    if (jobImage != null) {
      env.put("STREAMPIPELINE_JOB_IMAGE", jobImage);
    }
    List<HasMetadata> children = new ArrayList<>();
    KafkaConnection connection;
    try {
      connection = KafkaConnection.assumed(pipeline);
      for (DesiredTopic topic : PipelineChildren.topics(pipeline.getSpec())) {
        children.add(PipelineChildren.kafkaTopic(pipeline, topic));
      }
      if (connection.kafkaUser() != null) {
        children.add(PipelineChildren.kafkaUser(pipeline, connection));
      }
      children.add(PipelineChildren.flinkDeployment(pipeline, OperatorConfig.fromEnvironment(env), connection, null));
    } catch (InvalidPlanException e) {
      throw new CliException(ExitCode.INVALID, file + ": " + e.getMessage(), e);
    } catch (KafkaAccessRefused e) {
      throw new CliException(ExitCode.INVALID, file + ": " + e.getMessage(), e);
    }
    PrintWriter out = command.commandLine().getOut();
    if (uid == null) {
      out.println("# Rendered by streampipeline render: owner references have no uid (pass --uid to set it).");
    }
    if (connection.listener() != null) {
      out.println("# Listener '" + connection.listener() + "' assumed TLS, taking "
          + (connection.authentication() == null ? "no authentication" : connection.authentication().strimziType())
          + ", at " + connection.bootstrapServers() + "; the operator reads them from the Kafka resource.");
      connection.secrets().forEach(s -> out.println("# Secret " + s.secretName() + " (keys " + String.join(", ", s.keys())
          + ") is mounted at " + s.mountPath() + "; a change of it restarts the job (restartNonce)."));
    }
    for (HasMetadata child : children) {
      String yaml = Serialization.asYaml(child);
      out.print(yaml.startsWith("---") ? yaml : "---\n" + yaml);
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
