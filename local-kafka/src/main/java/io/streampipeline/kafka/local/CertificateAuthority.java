package io.streampipeline.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests, as Strimzi's cluster and clients CAs are: it signs a broker's certificate
 * (for {@code localhost}) and clients' certificates whose subject is {@code CN=<name>}, the principal
 * {@code User:CN=<name>} Kafka's TLS authentication derives. Keys are EC P-256: quick to generate on a busy
 * machine. Certificates are valid for a day.
 */
public final class CertificateAuthority {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration VALIDITY = Duration.ofDays(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X500Name name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  private CertificateAuthority(X500Name name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new self-signed CA named {@code CN=<commonName>}. */
  public static CertificateAuthority create(String commonName) {
    X500Name name = new X500Name("CN=" + commonName);
    KeyPair keys = generateKeys();
    try {
      X509v3CertificateBuilder builder = builder(name, name, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new CertificateAuthority(name, keys, sign(builder, keys.getPrivate()));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /** A client certificate for {@code CN=<commonName>}, signed by this CA. */
  public Issued issueClient(String commonName) {
    return issue(commonName, false);
  }

  /** A server certificate for {@code CN=<commonName>} valid for {@code localhost} and 127.0.0.1, also usable as a client's. */
  Issued issueServer(String commonName) {
    return issue(commonName, true);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate in PEM, as Strimzi's {@code ca.crt}: what clients put in their trust store. */
  public String certificatePem() {
    return pem("CERTIFICATE", encoded(certificate));
  }

  private Issued issue(String commonName, boolean server) {
    KeyPair subjectKeys = generateKeys();
    try {
      X509v3CertificateBuilder builder = builder(name, new X500Name("CN=" + commonName), subjectKeys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, server
              ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
              : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      if (server) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      return new Issued(subjectKeys.getPrivate(), sign(builder, keys.getPrivate()), certificate);
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build a certificate for " + commonName, e);
    }
  }

  /** A key and its certificate, with the CA's certificate that completes its chain. */
  public static final class Issued {
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate caCertificate;

    private Issued(PrivateKey key, X509Certificate certificate, X509Certificate caCertificate) {
      this.key = key;
      this.certificate = certificate;
      this.caCertificate = caCertificate;
    }

    public X509Certificate certificate() {
      return certificate;
    }

    /** The certificate in PEM, as Strimzi's {@code user.crt}. */
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** The private key in PKCS#8 PEM, as Strimzi's {@code user.key}. */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Writes key and chain as a PKCS#12 key store, as Strimzi's {@code user.p12} with {@code user.password}. */
    public void writePkcs12(Path file, String password) {
      try {
        Files.write(file, pkcs12(password));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    /** Key and chain as a PKCS#12 key store. */
    public byte[] pkcs12(String password) {
      try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", key, password.toCharArray(), new Certificate[] {certificate, caCertificate});
        store.store(out, password.toCharArray());
        return out.toByteArray();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot make a PKCS#12 key store for " + certificate.getSubjectX500Principal(), e);
      }
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    // Back-dated a little: the broker's and the clients' clocks are this machine's, but a second's skew
    // between issuing and first use must not make a certificate "not yet valid".
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs(),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  private static KeyPair generateKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key pair", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
