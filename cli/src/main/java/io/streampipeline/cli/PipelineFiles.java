package io.streampipeline.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.streampipeline.cli.admission.CustomResourceAdmission;
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
 * Reads StreamPipeline resources from YAML files as the API server would take them: malformed YAML (with
 * duplicate keys), another kind or API version, and whatever the API server refuses on a create with strict field
 * validation ({@link CustomResourceAdmission}) are problems named by line or field. A pipeline read is defaulted.
 */
final class PipelineFiles {

  static final String KIND = HasMetadata.getKind(StreamPipeline.class);
  private static final CustomResourceAdmission ADMISSION = CustomResourceAdmission.streamPipeline();

  private static final YAMLFactory YAML_FACTORY = new YAMLFactory();
  private static final ObjectMapper YAML = new ObjectMapper(YAML_FACTORY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /**
   * What one file holds: its StreamPipeline documents, and the problems of the file itself (malformed YAML, no
   * pipeline in a file the user named).
   */
  record Contents(Path file, List<Document> documents, List<Problem> problems) {

    /** The pipelines read without problems. */
    List<StreamPipeline> pipelines() {
      return documents.stream().filter(d -> d.pipeline() != null).map(Document::pipeline).toList();
    }

    boolean hasProblems() {
      return !problems.isEmpty() || documents.stream().anyMatch(d -> !d.problems().isEmpty());
    }

    List<Problem> allProblems() {
      List<Problem> all = new ArrayList<>(problems);
      documents.forEach(d -> all.addAll(d.problems()));
      return all;
    }
  }

  /** One StreamPipeline document: its name (if it has one), and the pipeline as stored or its problems. */
  record Document(String name, StreamPipeline pipeline, List<Problem> problems) {}

  private PipelineFiles() {}

  /**
   * The one pipeline in {@code file}, for commands that run or render a single pipeline.
   *
   * @throws CliException naming the file and the line or field that is wrong
   */
  static StreamPipeline readOne(Path file) {
    Contents contents = read(file, true);
    if (contents.hasProblems()) {
      Problem first = contents.allProblems().get(0);
      throw CliException.invalidPipeline(file + ": " + first);
    }
    if (contents.pipelines().size() != 1) {
      throw CliException.invalidPipeline(file + ": expected one " + KIND + ", found " + contents.pipelines().size());
    }
    return contents.pipelines().get(0);
  }

  /**
   * What the API server refuses when {@code running} is updated to {@code next} (both read by this class): the
   * CRD's transition rules, such as partitions that may not decrease.
   */
  static List<Problem> refusedAsUpdate(StreamPipeline running, StreamPipeline next) {
    return ADMISSION.admit(YAML.valueToTree(next), YAML.valueToTree(running)).problems();
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
    List<Document> pipelines = new ArrayList<>();
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
        pipelines.add(toPipeline((ObjectNode) document));
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

  /** The pipeline the API server would store for {@code document}, or its problems as the API server words them. */
  private static Document toPipeline(ObjectNode document) {
    String name = document.path("metadata").path("name").asText("");
    String apiVersion = document.path("apiVersion").asText("");
    if (!ADMISSION.apiVersion().equals(apiVersion)) {
      return new Document(name, null, List.of(new Problem("apiVersion", "expected " + ADMISSION.apiVersion()
          + ", found " + (apiVersion.isEmpty() ? "none" : apiVersion))));
    }
    CustomResourceAdmission.Admitted admitted = ADMISSION.admit(document);
    if (!admitted.accepted()) {
      return new Document(name, null, admitted.problems().stream()
          .map(p -> new Problem(p.field(), Errors.flatten(p.message()))).toList());
    }
    return new Document(name, YAML.convertValue(admitted.object(), StreamPipeline.class), List.of());
  }

  private static String where(JsonLocation location) {
    return location == null ? "unknown position" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
