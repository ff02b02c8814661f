package io.streampipeline.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything this JVM logs at INFO and above while open, including what the test configuration keeps off the
 * console (Kafka clients print their whole configuration at INFO), with the messages' exceptions: where a
 * secret would leak into a pod's log.
 */
final class CapturedLogs implements AutoCloseable {

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final LoggerConfig root = context.getConfiguration().getRootLogger();
  private final Level rootLevel = root.getLevel();
  private final Map<LoggerConfig, Level> quieted = new HashMap<>();
  private final AbstractAppender appender = new AbstractAppender("captured", null, null, true, Property.EMPTY_ARRAY) {
    @Override
    public void append(LogEvent event) {
      StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
      for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
        line.append(" | ").append(t);
      }
      lines.add(line.toString());
    }
  };

  CapturedLogs() {
    Configuration config = context.getConfiguration();
    appender.start();
    config.addAppender(appender);
    // The console keeps its level; only this appender sees the INFO lines.
    root.getAppenderRefs().forEach(ref -> root.removeAppender(ref.getRef()));
    root.addAppender(config.getAppender("console"), Level.WARN, null);
    root.addAppender(appender, Level.INFO, null);
    root.setLevel(Level.INFO);
    // Loggers the test configuration quiets (the Kafka clients, for the fault tests) must not hide what a pod logs.
    for (LoggerConfig logger : config.getLoggers().values()) {
      if (logger != root && logger.getLevel() != null && !logger.getLevel().isLessSpecificThan(Level.INFO)) {
        quieted.put(logger, logger.getLevel());
        logger.setLevel(Level.INFO);
      }
    }
    context.updateLoggers();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.removeAppender(appender.getName());
    root.removeAppender("console");
    root.addAppender(context.getConfiguration().getAppender("console"), null, null);
    root.setLevel(rootLevel);
    quieted.forEach(LoggerConfig::setLevel);
    context.updateLoggers();
    appender.stop();
  }
}
