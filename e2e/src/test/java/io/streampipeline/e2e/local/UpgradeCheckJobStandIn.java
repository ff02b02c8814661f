package io.streampipeline.e2e.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.streampipeline.operator.children.UpgradeCheckJob;
import io.streampipeline.operator.testing.PlayedJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STAND-IN for the Job controller and the kubelet, for the operator's upgrade check Jobs in one namespace (those
 * labelled {@link UpgradeCheckJob#SELECTOR}): it runs the main class the Job's container command names, with the
 * container's args, from the job image's jar (the built {@code streampipeline-job.jar}, which stands for the image),
 * in Flink's user-code class loader of this process as {@link FlinkOperatorStandIn} does; then it writes what the
 * Job controller and the kubelet would ({@link PlayedJobs}): a pod whose container terminated with exit code 0 and
 * the file at the container's {@code terminationMessagePath} as its message, or exit code 1 and the error (the
 * tail of the log, as {@code FallbackToLogsOnError} gives) when the main class threw.
 *
 * <p>What it leaves out: no image (the class path is the jar's and this process's Flink, not the command's
 * {@code -cp}), no JVM options, no resource limits or security context, no retries ({@code backoffLimit}), no
 * deadline, no TTL after finishing. The termination message path is the one thing mapped: the argument that names
 * it is given a local file instead, as the kubelet mounts one there.
 */
public final class UpgradeCheckJobStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeCheckJobStandIn.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Path jobJar;
  private final Path work;
  private final PlayedJobs jobs;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "job-stand-in"));
  /** Jobs already run, by uid: the informer reports each Job again on every status change. */
  private final Set<String> ran = new HashSet<>();
  private SharedIndexInformer<Job> informer;

  /** @param work where each check's termination message file goes */
  public UpgradeCheckJobStandIn(KubernetesClient client, String namespace, Path jobJar, Path work) {
    this.client = client;
    this.namespace = namespace;
    this.jobJar = jobJar;
    this.work = work;
    this.jobs = new PlayedJobs(client);
  }

  public UpgradeCheckJobStandIn start() {
    informer = client.batch().v1().jobs().inNamespace(namespace).withLabelSelector(UpgradeCheckJob.SELECTOR)
        .inform(new SerialHandler<>(worker, this::run, job -> { }));
    LOG.info("Upgrade check Job stand-in watching Jobs in {}", namespace);
    return this;
  }

  private void run(Job job) {
    if (!ran.add(job.getMetadata().getUid())) {
      return;
    }
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    try {
      Path terminationMessage = Files.createTempFile(work, job.getMetadata().getName(), ".termination-log");
      List<String> args = new ArrayList<>(container.getArgs());
      args.replaceAll(arg -> arg.equals(container.getTerminationMessagePath()) ? terminationMessage.toString() : arg);
      try (PackagedProgram program = PackagedProgram.newBuilder()
          .setJarFile(jobJar.toFile())
          .setEntryPointClassName(mainClass(container.getCommand()))
          .setArguments(args.toArray(String[]::new))
          .build()) {
        // As a JVM started with the jar on its class path: the planner loads the job's functions by name.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(program.getUserCodeClassLoader());
        try {
          program.invokeInteractiveModeForExecution();
        } finally {
          thread.setContextClassLoader(previous);
        }
      }
      LOG.info("Upgrade check {} ended: {}", job.getMetadata().getName(), Files.readString(terminationMessage));
      jobs.ended(job, 0, Files.readString(terminationMessage));
    } catch (Exception e) {
      LOG.warn("Upgrade check {} failed", job.getMetadata().getName(), e);
      Throwable cause = ExceptionUtils.stripException(e, org.apache.flink.client.program.ProgramInvocationException.class);
      jobs.ended(job, 1, "Exception in thread \"main\" " + cause);
    }
  }

  /** The main class of a {@code java [options] -cp PATH MAIN} command. */
  private static String mainClass(List<String> command) {
    for (int i = 1; i < command.size(); i++) {
      if (command.get(i).equals("-cp") || command.get(i).equals("-classpath")) {
        i++;
      } else if (!command.get(i).startsWith("-")) {
        return command.get(i);
      }
    }
    throw new IllegalArgumentException("no main class in " + command);
  }

  @Override
  public void close() throws InterruptedException {
    if (informer != null) {
      informer.close();
    }
    worker.shutdownNow();
    worker.awaitTermination(30, TimeUnit.SECONDS);
  }
}
