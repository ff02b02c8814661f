package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A PEM certificate in a key of a Secret in the pipeline's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrustedCertificateSpec {

  /** The key of Strimzi's cluster CA certificate in its {@code <cluster>-cluster-ca-cert} Secret. */
  public static final String DEFAULT_KEY = "ca.crt";

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("The Secret holding the certificate.")
  private String secretName;

  @Default(DEFAULT_KEY)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("The key of the certificate in the Secret (PEM); default ca.crt.")
  private String key = DEFAULT_KEY;

  public TrustedCertificateSpec() {}

  public TrustedCertificateSpec(String secretName, String key) {
    this.secretName = secretName;
    this.key = key;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
