package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API server's checks of a custom resource's {@code metadata} that a file can fail: fields ObjectMeta does not
 * have (strict decoding), and the name ({@code ValidateObjectMetaAccessor} with {@code NameIsDNSSubdomain}).
 * The namespace comes from the request (kubectl's context), so a file need not have one.
 */
final class ObjectMetaCheck {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DNS1123_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  private static final Pattern SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN);
  private static final int MAX_SUBDOMAIN_LENGTH = 253;

  private ObjectMetaCheck() {}

  /** Fields of {@code metadata} that ObjectMeta does not declare. */
  static List<FieldError> unknownFields(JsonNode metadata) {
    List<FieldError> errors = new ArrayList<>();
    if (metadata != null && metadata.isObject()) {
      JSON.convertValue(metadata, ObjectMeta.class).getAdditionalProperties().keySet()
          .forEach(name -> errors.add(FieldError.unknownField("metadata." + name)));
    }
    return errors;
  }

  static List<FieldError> validate(JsonNode metadata) {
    String name = metadata == null ? "" : metadata.path("name").asText("");
    String generateName = metadata == null ? "" : metadata.path("generateName").asText("");
    if (name.isEmpty()) {
      return generateName.isEmpty()
          ? List.of(FieldError.of("metadata.name", FieldError.Type.REQUIRED, FieldError.OMITTED,
              "name or generateName is required"))
          : List.of();
    }
    List<FieldError> errors = new ArrayList<>();
    if (name.length() > MAX_SUBDOMAIN_LENGTH) {
      errors.add(FieldError.of("metadata.name", FieldError.Type.INVALID, name,
          "must be no more than " + MAX_SUBDOMAIN_LENGTH + " characters"));
    }
    if (!SUBDOMAIN.matcher(name).matches()) {
      errors.add(FieldError.of("metadata.name", FieldError.Type.INVALID, name, "a lowercase RFC 1123 subdomain must "
          + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
          + "character (e.g. 'example.com', regex used for validation is '" + DNS1123_SUBDOMAIN + "')"));
    }
    return errors;
  }
}
