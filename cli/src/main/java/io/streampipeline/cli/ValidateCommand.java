package io.streampipeline.cli;

import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check StreamPipeline YAML as the cluster and the job would, without a cluster or Kafka:",
        "the CRD's schema and rules, the operator's checks, and the SQL planned against the declared schemas.",
        "Directories are searched recursively for *.yaml/*.yml; documents of other kinds are skipped.",
        "Prints each problem as FILE: FIELD: MESSAGE. Exit code 0 when every pipeline is valid, 1 otherwise."})
final class ValidateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec command;

  @Mixin
  private Verbosity verbosity;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE_OR_DIR",
      description = "A YAML file or a directory of them; repeatable.")
  private List<Path> paths;

  @Override
  public Integer call() {
    verbosity.applyLogLevel();
    PrintWriter out = command.commandLine().getOut();
    int pipelines = 0;
    int invalid = 0;
    for (Path file : PipelineFiles.yamlFiles(paths)) {
      boolean named = paths.contains(file);
      PipelineFiles.Contents contents = PipelineFiles.read(file, named);
      contents.problems().forEach(p -> out.println(file + ": " + p));
      invalid += contents.problems().isEmpty() ? 0 : 1;
      for (StreamPipeline pipeline : contents.pipelines()) {
        pipelines++;
        List<Problem> problems = PipelineCheck.problems(pipeline);
        String name = contents.pipelines().size() > 1 ? " (" + pipeline.getMetadata().getName() + ")" : "";
        problems.forEach(p -> out.println(file + name + ": " + p));
        invalid += problems.isEmpty() ? 0 : 1;
      }
    }
    out.flush();
    command.commandLine().getErr().println(pipelines + " pipeline(s) checked, "
        + (invalid == 0 ? "all valid" : invalid + " with problems"));
    return invalid == 0 ? StreamPipelineCli.OK : StreamPipelineCli.FAILED;
  }
}
