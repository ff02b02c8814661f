package io.streampipeline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streampipeline.job.upgrade.UpgradePrediction;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check StreamPipeline YAML as the cluster and the job would, without a cluster or Kafka:",
        "the generated CRD's schema and CEL rules as the API server applies them with strict field validation",
        "(unknown fields, defaults, its error wording), the operator's checks, and the SQL planned against the",
        "declared schemas. Directories are searched recursively for *.yaml/*.yml; documents of other kinds are",
        "skipped. Prints each problem as FILE: FIELD: MESSAGE, or one JSON object with --output json.",
        "With --upgrade-from, also says for each valid pipeline whether it restores the state of its running",
        "version, as FILE: upgrade: MESSAGE (exit code 4 when an upgrade would drop or corrupt state)."})
final class ValidateCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  enum Output { text, json }

  @Spec
  private CommandSpec command;

  @Mixin
  private Verbosity verbosity;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE_OR_DIR",
      description = "A YAML file or a directory of them; repeatable.")
  private List<Path> paths;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = {"text (default) or json: {version, valid, exitCode, results: [{file, name, valid, "
          + "problems: [{field, message}], warnings: [{field, message}], upgrade}]}; a result without name is the"
          + " file's own problem;", "upgrade: the upgrade lines, with --upgrade-from."})
  private Output output;

  @Option(names = "--upgrade-from", paramLabel = "FILE_OR_DIR|git:REV",
      description = {"The running versions, matched by namespace and name: YAML files or directories, or git:REV",
          "for the same paths at a git revision (e.g. git:origin/main). Repeatable."})
  private List<String> upgradeFrom;

  @Option(names = "--no-dry-run", description = {"With --upgrade-from: predict from the job graphs only, without",
      "restoring a savepoint in a local Flink and Kafka (faster; state serializers are not checked)."})
  private boolean noDryRun;

  /**
   * One document's (or a file's own) outcome.
   *
   * @param warnings what deserves attention in a valid pipeline (state that grows without bound)
   * @param upgrade what upgrading from the running version does to state, first line the verdict; null if
   *     not checked
   * @param upgradeLosesState whether that upgrade would drop or corrupt state
   */
  private record Result(String file, String name, StreamPipeline pipeline, List<Problem> problems,
      List<Problem> warnings, List<String> upgrade, boolean upgradeLosesState) {

    Result withUpgrade(List<String> lines, boolean losesState) {
      return new Result(file, name, pipeline, problems, warnings, lines, losesState);
    }
  }

  @Override
  public Integer call() throws Exception {
    verbosity.applyLogLevel();
    List<Result> results = new ArrayList<>();
    for (Path file : PipelineFiles.yamlFiles(paths)) {
      PipelineFiles.Contents contents = PipelineFiles.read(file, paths.contains(file));
      if (!contents.problems().isEmpty()) {
        results.add(new Result(file.toString(), null, null, contents.problems(), List.of(), null, false));
      }
      for (PipelineFiles.Document document : contents.documents()) {
        PipelineCheck.Outcome check = document.pipeline() == null
            ? new PipelineCheck.Outcome(document.problems(), List.of())
            : PipelineCheck.check(document.pipeline());
        results.add(new Result(file.toString(), document.name(), document.pipeline(), check.problems(),
            check.warnings(), null, false));
      }
    }
    if (upgradeFrom != null) {
      checkUpgrades(results);
    }
    ExitCode code = results.stream().allMatch(r -> r.problems().isEmpty()) ? ExitCode.OK : ExitCode.INVALID;
    if (upgradeFrom != null) {
      if (results.stream().anyMatch(Result::upgradeLosesState)) {
        code = ExitCode.worst(code, ExitCode.UPGRADE_LOSES_STATE);
      }
    }
    if (output == Output.json) {
      printJson(results, code);
    } else {
      printText(results);
    }
    return code.code();
  }

  private void printText(List<Result> results) {
    PrintWriter out = command.commandLine().getOut();
    Map<String, Long> documentsPerFile = new LinkedHashMap<>();
    results.forEach(r -> documentsPerFile.merge(r.file(), 1L, Long::sum));
    for (Result result : results) {
      boolean several = documentsPerFile.get(result.file()) > 1 && result.name() != null && !result.name().isEmpty();
      String where = result.file() + (several ? " (" + result.name() + ")" : "");
      result.problems().forEach(p -> out.println(where + ": " + p));
      result.warnings().forEach(w -> out.println(where + ": warning: " + w));
      if (result.upgrade() != null) {
        result.upgrade().forEach(line -> out.println(where + ": upgrade: " + line));
      }
    }
    out.flush();
    long pipelines = results.stream().filter(r -> r.name() != null).count();
    long invalid = results.stream().filter(r -> !r.problems().isEmpty()).count();
    command.commandLine().getErr().println(pipelines + " pipeline(s) checked, "
        + (invalid == 0 ? "all valid" : invalid + " with problems")
        + (upgradeFrom == null ? "" : ", " + results.stream().filter(Result::upgradeLosesState).count()
            + " upgrade(s) losing state"));
  }

  private void printJson(List<Result> results, ExitCode code) throws JsonProcessingException {
    List<Map<String, Object>> json = new ArrayList<>();
    for (Result result : results) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("file", result.file());
      entry.put("name", result.name());
      entry.put("valid", result.problems().isEmpty());
      entry.put("problems", result.problems().stream()
          .map(p -> Map.of("field", p.field(), "message", p.message())).toList());
      entry.put("warnings", result.warnings().stream()
          .map(w -> Map.of("field", w.field(), "message", w.message())).toList());
      if (result.upgrade() != null) {
        entry.put("upgrade", result.upgrade());
      }
      json.add(entry);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("version", BuildVersion.version());
    report.put("valid", code == ExitCode.OK);
    report.put("exitCode", code.code());
    report.put("results", json);
    PrintWriter out = command.commandLine().getOut();
    out.println(JSON.writeValueAsString(report));
    out.flush();
  }

  /** Checks the upgrade of every valid pipeline from its running version, recording what it does to state in its result. */
  private void checkUpgrades(List<Result> results) throws Exception {
    UpgradeBaseline baseline = UpgradeBaseline.read(upgradeFrom, paths);
    List<Integer> valid = new ArrayList<>();
    int slots = 1;
    for (int i = 0; i < results.size(); i++) {
      Result result = results.get(i);
      if (result.pipeline() != null && result.problems().isEmpty()) {
        UpgradeBaseline.Running running = baseline.runningVersionOf(result.pipeline());
        // The CRD's transition rules (oldSelf): an update the API server would refuse is an invalid pipeline.
        List<Problem> refused = running == null ? List.of()
            : PipelineFiles.refusedAsUpdate(running.pipeline(), result.pipeline());
        if (!refused.isEmpty()) {
          results.set(i, new Result(result.file(), result.name(), result.pipeline(), refused, List.of(), null, false));
          continue;
        }
        valid.add(i);
        slots = Math.max(slots, Math.max(result.pipeline().getSpec().getJob().getParallelism(),
            running == null ? 1 : running.pipeline().getSpec().getJob().getParallelism()));
      }
    }
    try (UpgradeCheck check = new UpgradeCheck(!noDryRun, slots)) {
      for (int i : valid) {
        Result result = results.get(i);
        UpgradeBaseline.Running running = baseline.runningVersionOf(result.pipeline());
        List<String> lines = new ArrayList<>();
        boolean losesState = false;
        if (running == null) {
          lines.add("a new pipeline: no running version to restore");
        } else {
          UpgradePrediction prediction = check.predict(running.pipeline(), result.pipeline(), lines);
          losesState = prediction != null && !prediction.keepsState();
        }
        results.set(i, result.withUpgrade(lines, losesState));
      }
    }
  }
}
