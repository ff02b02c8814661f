package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streampipeline.plan.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API server does with a StreamPipeline sent with strict field validation, from the CRD this build
 * generated (the operator's {@code META-INF/fabric8} output, which {@code crds/} is a copy of): decode it
 * (unknown fields refused, nulls pruned, defaults set), validate its metadata and its
 * {@code openAPIV3Schema}, then, unless the schema found an error that makes the API server skip them, its
 * CEL rules, with transition rules when the old version is given. Errors carry the API server's field
 * paths and wording.
 */
public final class CustomResourceAdmission {

  /** Where the CRD generator writes the StreamPipeline CRD, in the operator's classes. */
  static final String GENERATED_CRD = "META-INF/fabric8/streampipelines.streampipeline.io-v1.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final String apiVersion;
  private final JsonNode schema;
  private final OpenApiValidation openApi;
  private final CelRules celRules;

  /** A decoded, defaulted object with its problems; the object is what the API server would store if none. */
  public record Admitted(ObjectNode object, List<Problem> problems) {

    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  private CustomResourceAdmission(JsonNode crd) {
    JsonNode version = crd.path("spec").path("versions").get(0);
    this.apiVersion = crd.path("spec").path("group").asText() + "/" + version.path("name").asText();
    this.schema = version.path("schema").path("openAPIV3Schema");
    this.openApi = new OpenApiValidation(schema);
    this.celRules = new CelRules(schema);
  }

  /** The StreamPipeline CRD as the build generated it. */
  public static CustomResourceAdmission streamPipeline() {
    try (InputStream in = CustomResourceAdmission.class.getClassLoader().getResourceAsStream(GENERATED_CRD)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED_CRD + " is not on the classpath: the operator module generates it");
      }
      return new CustomResourceAdmission(YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + GENERATED_CRD, e);
    }
  }

  /** The served version, {@code streampipeline.io/v1alpha1}. */
  public String apiVersion() {
    return apiVersion;
  }

  /** A create of {@code object}. */
  public Admitted admit(ObjectNode object) {
    return admit(object, null);
  }

  /** An update from {@code old} (null for a create) to {@code object}; neither is changed. */
  public Admitted admit(ObjectNode object, ObjectNode old) {
    ObjectNode decoded = object.deepCopy();
    List<FieldError> unknown = new ArrayList<>(ObjectMetaCheck.unknownFields(decoded.get("metadata")));
    unknown.addAll(StructuralSchema.unknownFields(decoded, schema));
    if (!unknown.isEmpty()) {
      return new Admitted(decoded, unknown.stream().map(FieldError::toProblem).toList());
    }
    StructuralSchema.pruneNullsAndDefault(decoded, schema);
    JsonNode decodedOld = null;
    if (old != null) {
      decodedOld = old.deepCopy();
      StructuralSchema.pruneNullsAndDefault(decodedOld, schema);
    }
    List<FieldError> errors = new ArrayList<>(openApi.validate(decoded));
    errors.addAll(ObjectMetaCheck.validate(decoded.get("metadata")));
    errors.addAll(ListMapKeys.duplicates(schema, decoded));
    if (errors.stream().anyMatch(e -> e.type().blocksCel())) {
      // The API server's own words, with its name for an error of no field.
      errors.add(FieldError.of("<nil>", FieldError.Type.INVALID, null, "some validation rules were not checked because "
          + "the object was invalid; correct the existing errors to complete validation"));
    } else {
      errors.addAll(celRules.validate(schema, decoded, decodedOld));
    }
    return new Admitted(decoded, errors.stream().map(FieldError::toProblem).toList());
  }
}
