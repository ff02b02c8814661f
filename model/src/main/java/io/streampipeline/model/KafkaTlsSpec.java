package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the job trusts when its listener is TLS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaTlsSpec {

  @JsonPropertyDescription("The CA certificate (PEM) the brokers' certificates are checked against; default"
      + " Strimzi's cluster CA, Secret <cluster>-cluster-ca-cert, key ca.crt.")
  private TrustedCertificateSpec trustedCertificate;

  public KafkaTlsSpec() {}

  public KafkaTlsSpec(TrustedCertificateSpec trustedCertificate) {
    this.trustedCertificate = trustedCertificate;
  }

  public TrustedCertificateSpec getTrustedCertificate() {
    return trustedCertificate;
  }

  public void setTrustedCertificate(TrustedCertificateSpec trustedCertificate) {
    this.trustedCertificate = trustedCertificate;
  }
}
