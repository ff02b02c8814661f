package io.streampipeline.cli;

import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --verbose}: logs of Kafka, Flink and the operator on stderr, and stack traces with errors. */
public final class Verbosity {

  private static final String OPTION = "--verbose";
  /** The in-process broker's own loggers: they report its shutdown as errors. */
  private static final List<String> BROKER_LOGGERS = List.of("kafka", "state.change.logger",
      "org.apache.kafka.controller", "org.apache.kafka.raft", "org.apache.kafka.server", "org.apache.kafka.metadata");

  @Option(names = {"-v", OPTION}, description = "Log what Kafka, Flink and the operator do; print stack traces.")
  private boolean verbose;

  /** Sets the log level for this command: errors only, or everything from INFO with {@code --verbose}. */
  void applyLogLevel() {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.ERROR);
    BROKER_LOGGERS.forEach(logger -> Configurator.setLevel(logger, verbose ? Level.INFO : Level.OFF));
  }

  static boolean isVerbose(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult command = parseResult;
    while (command.hasSubcommand()) {
      command = command.subcommand();
    }
    return command.hasMatchedOption(OPTION);
  }
}
