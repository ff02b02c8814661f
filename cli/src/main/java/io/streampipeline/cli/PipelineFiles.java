package io.streampipeline.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.streampipeline.model.StreamPipelineSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads StreamPipeline resources from YAML files, strictly: malformed YAML, a field the resource does not
 * have, a value of the wrong type, another kind or API version are problems named by line or field.
 */
final class PipelineFiles {

  static final String API_VERSION = HasMetadata.getApiVersion(StreamPipeline.class);
  static final String KIND = HasMetadata.getKind(StreamPipeline.class);

  private static final YAMLFactory YAML_FACTORY = new YAMLFactory();
  private static final ObjectMapper YAML = new ObjectMapper(YAML_FACTORY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** What one file holds: its pipelines, and the problems that kept other documents from being read. */
  record Contents(Path file, List<StreamPipeline> pipelines, List<Problem> problems) {}

  private PipelineFiles() {}

  /**
   * The one pipeline in {@code file}, for commands that run or render a single pipeline.
   *
   * @throws CliException naming the file and the line or field that is wrong
   */
  static StreamPipeline readOne(Path file) {
    Contents contents = read(file, true);
    if (!contents.problems().isEmpty()) {
      Problem first = contents.problems().get(0);
      throw new CliException(file + ": " + first);
    }
    if (contents.pipelines().size() != 1) {
      throw new CliException(file + ": expected one " + KIND + ", found " + contents.pipelines().size());
    }
    return contents.pipelines().get(0);
  }

  /** The YAML files under each path, recursively for directories, in a stable order. */
  static List<Path> yamlFiles(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.exists(path)) {
        throw new CliException(path + ": no such file or directory");
      }
      if (!Files.isDirectory(path)) {
        files.add(path);
        continue;
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + path, e);
      }
    }
    return files;
  }

  /**
   * Every StreamPipeline in {@code file} (multi-document YAML). Documents of other kinds are skipped unless
   * {@code named}, the file was named by the user, holds no StreamPipeline at all: then the wrong kind is a problem.
   */
  static Contents read(Path file, boolean named) {
    List<StreamPipeline> pipelines = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<String> otherKinds = new ArrayList<>();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CliException(file + ": cannot read: " + e.getMessage());
    }
    try (JsonParser parser = YAML_FACTORY.createParser(text);
        MappingIterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class)) {
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        if (!document.isObject()) {
          problems.add(new Problem("document", "expected a mapping (a Kubernetes resource), found " + document.getNodeType()));
          continue;
        }
        String kind = document.path("kind").asText("");
        if (!KIND.equals(kind)) {
          otherKinds.add(kind.isEmpty() ? "a document without kind" : kind);
          continue;
        }
        toPipeline(document, problems).ifPresent(pipelines::add);
      }
    } catch (JacksonException e) {
      problems.add(new Problem("YAML", "malformed at " + where(e.getLocation()) + ": " + e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      if (e.getCause() instanceof JacksonException cause) {
        problems.add(new Problem("YAML", "malformed at " + where(cause.getLocation()) + ": " + cause.getOriginalMessage()));
      } else {
        throw new CliException(file + ": cannot read: " + Errors.oneLine(e));
      }
    }
    if (named && pipelines.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem("kind", otherKinds.isEmpty() ? "no " + KIND + " in this file"
          : "expected " + KIND + ", found " + String.join(", ", otherKinds)));
    }
    problems.replaceAll(p -> new Problem(p.field(), Errors.flatten(p.message())));
    return new Contents(file, pipelines, problems);
  }

  private static java.util.Optional<StreamPipeline> toPipeline(JsonNode document, List<Problem> problems) {
    String apiVersion = document.path("apiVersion").asText("");
    if (!API_VERSION.equals(apiVersion)) {
      problems.add(new Problem("apiVersion", "expected " + API_VERSION + ", found "
          + (apiVersion.isEmpty() ? "none" : apiVersion)));
      return java.util.Optional.empty();
    }
    int before = problems.size();
    document.fieldNames().forEachRemaining(field -> {
      if (!List.of("apiVersion", "kind", "metadata", "spec", "status").contains(field)) {
        problems.add(new Problem(field, "unknown field (a " + KIND + " has apiVersion, kind, metadata, spec, status)"));
      }
    });
    ObjectMeta metadata = convert(document, "metadata", ObjectMeta.class, problems);
    StreamPipelineSpec spec = convert(document, "spec", StreamPipelineSpec.class, problems);
    if (problems.size() > before) {
      return java.util.Optional.empty();
    }
    if (metadata == null || metadata.getName() == null || metadata.getName().isBlank()) {
      problems.add(new Problem("metadata.name", "required"));
      return java.util.Optional.empty();
    }
    if (spec == null) {
      problems.add(new Problem("spec", "required"));
      return java.util.Optional.empty();
    }
    StreamPipeline pipeline = new StreamPipeline();
    pipeline.setMetadata(metadata);
    pipeline.setSpec(spec);
    return java.util.Optional.of(pipeline);
  }

  private static <T> T convert(JsonNode document, String field, Class<T> type, List<Problem> problems) {
    JsonNode node = document.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return YAML.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      problems.add(new Problem(path(field, e), "unknown field"));
    } catch (InvalidFormatException e) {
      problems.add(new Problem(path(field, e), "invalid value '" + e.getValue() + "'"
          + (e.getTargetType() != null && e.getTargetType().isEnum() ? " (expected one of "
              + enumValues(e.getTargetType()) + ")" : "")));
    } catch (JsonMappingException e) {
      problems.add(new Problem(path(field, e), e.getOriginalMessage()));
    } catch (JacksonException e) {
      problems.add(new Problem(field, e.getOriginalMessage()));
    }
    return null;
  }

  private static String enumValues(Class<?> type) {
    List<String> values = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      values.add(YAML.convertValue(constant, String.class));
    }
    return String.join(", ", values);
  }

  /** {@code spec.sources[0].partition} from Jackson's reference path. */
  private static String path(String root, JsonMappingException e) {
    StringBuilder path = new StringBuilder(root);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String where(JsonLocation location) {
    return location == null ? "unknown position" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
