package dev.tenantry.operator.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** The platform CA: a self-signed EC P-256 certificate and key that signs tenant serving certificates. */
public final class CertificateAuthority {

  /** How long the platform CA is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  private static final SecureRandom RANDOM = new SecureRandom();
  /** IPv4 dotted quads and anything with a colon (IPv6); DNS names have neither. */
  private static final java.util.regex.Pattern IP_LITERAL =
      java.util.regex.Pattern.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|.*:.*)$");

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named {@code commonName}, valid from now for {@link #CA_VALIDITY}. */
  public static CertificateAuthority create(String commonName, Clock clock) {
    try {
      KeyPair pair = newKeyPair();
      Instant now = clock.instant();
      X500Name subject = new X500Name("CN=" + commonName + ",O=Tenantry");
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(CA_VALIDITY)),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create the platform CA", e);
    }
  }

  /** The CA from its PEM certificate and key (as stored in the platform CA Secret). */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem) {
    return new CertificateAuthority(Pem.parseCertificate(certificatePem), Pem.parsePrivateKey(keyPem));
  }

  /**
   * Issues a serving certificate for {@code dnsNames} (the first is the common name), valid
   * from now for {@code validity}, with a fresh EC P-256 key. A name that is an IP literal
   * (e.g. {@code 127.0.0.1}) becomes an IP address entry, which clients check IP URLs against.
   */
  public ServingCertificate issueServingCertificate(List<String> dnsNames, Duration validity, Clock clock) {
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one DNS name");
    }
    try {
      KeyPair pair = newKeyPair();
      Instant notBefore = clock.instant().minus(Duration.ofMinutes(5));
      Instant notAfter = clock.instant().plus(validity);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      GeneralName[] names = dnsNames.stream()
          .map(n -> new GeneralName(IP_LITERAL.matcher(n).matches() ? GeneralName.iPAddress : GeneralName.dNSName, n))
          .toArray(GeneralName[]::new);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  new X500Name("CN=" + dnsNames.get(0) + ",O=Tenantry"),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(Extension.extendedKeyUsage, false,
                  new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
              .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate))
              .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate issued = sign(builder, key);
      return new ServingCertificate(Pem.encode(issued), Pem.encode(pair.getPrivate()), certificatePem());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + dnsNames, e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.encode(certificate);
  }

  public String keyPem() {
    return Pem.encode(key);
  }

  /** Whether {@code candidate} was signed by this CA's key. */
  public boolean signed(X509Certificate candidate) {
    try {
      candidate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws CertificateException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      X509CertificateHolder holder = builder.build(contentSigner);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("no ECDSA signer", e);
    }
  }

  /** PEM encoding and decoding of certificates and keys, by Bouncy Castle. */
  public static final class Pem {
    private Pem() {}

    /** PEM of a certificate, or of a private key as PKCS#8 (what Netty and most TLS stacks read). */
    public static String encode(Object object) {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        if (object instanceof PrivateKey key) {
          writer.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    }

    public static X509Certificate parseCertificate(String pem) {
      try (PEMParser parser = new PEMParser(new StringReader(pem))) {
        Object object = parser.readObject();
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException("not a PEM certificate");
        }
        return new JcaX509CertificateConverter().getCertificate(holder);
      } catch (IOException | CertificateException e) {
        throw new IllegalArgumentException("unreadable PEM certificate", e);
      }
    }

    public static PrivateKey parsePrivateKey(String pem) {
      try (PEMParser parser = new PEMParser(new StringReader(pem))) {
        Object object = parser.readObject();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        throw new IllegalArgumentException("not a PEM private key");
      } catch (IOException e) {
        throw new IllegalArgumentException("unreadable PEM private key", e);
      }
    }
  }
}
