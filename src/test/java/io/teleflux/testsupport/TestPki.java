package io.teleflux.testsupport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made in the test (Bouncy Castle, EC P-256): a CA, and server or client certificates
 * it signs, written as PEM files the way an operator would have them (certificate, PKCS#8 key).
 *
 * <pre>{@code
 * TestPki.Ca ca = TestPki.ca("Test CA");
 * TestPki.Issued server = ca.server("127.0.0.1", "localhost");
 * TestPki.Files f = server.write(dir, "server");   // f.cert(), f.key(); ca.write(dir) for the CA file
 * }</pre>
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** PEM files of one certificate and its key. */
    public record Files(Path cert, Path key) {
    }

    /** A signed certificate and its private key. */
    public record Issued(X509Certificate cert, PrivateKey key) {
        public BigInteger serial() {
            return cert.getSerialNumber();
        }

        public Files write(Path dir, String name) {
            Path c = dir.resolve(name + ".crt");
            Path k = dir.resolve(name + ".key");
            writePem(c, "CERTIFICATE", encoded(cert));
            writePem(k, "PRIVATE KEY", key.getEncoded()); // PKCS#8
            return new Files(c, k);
        }
    }

    /** A self-signed CA. */
    public static final class Ca {
        private final X500Name name;
        private final KeyPair keys;
        private final X509Certificate cert;

        private Ca(String cn) {
            this.name = new X500Name("CN=" + cn);
            this.keys = keyPair();
            this.cert = sign(name, keys.getPublic(), name, keys.getPrivate(), ext -> {
                ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });
        }

        public X509Certificate cert() {
            return cert;
        }

        /** A client TLS context that trusts this CA and presents no certificate. */
        public javax.net.ssl.SSLContext trustingContext() throws GeneralSecurityException, IOException {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", cert);
            javax.net.ssl.TrustManagerFactory tmf =
                    javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }

        /** Writes the CA certificate as {@code <name>.crt}. */
        public Path write(Path dir, String fileName) {
            Path p = dir.resolve(fileName + ".crt");
            writePem(p, "CERTIFICATE", encoded(cert));
            return p;
        }

        /** A TLS server certificate for the given IP addresses and DNS names. */
        public Issued server(String... names) {
            KeyPair kp = keyPair();
            X509Certificate c = sign(new X500Name("CN=" + names[0]), kp.getPublic(), name, keys.getPrivate(), ext -> {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    sans.add(new GeneralName(n.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, n));
                }
                ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
                ext.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            });
            return new Issued(c, kp.getPrivate());
        }

        /** A TLS client certificate, as a device's PKI domain holds it. */
        public Issued client(String cn) {
            KeyPair kp = keyPair();
            X509Certificate c = sign(new X500Name("CN=" + cn), kp.getPublic(), name, keys.getPrivate(), ext -> {
                ext.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            });
            return new Issued(c, kp.getPrivate());
        }
    }

    public static Ca ca(String cn) {
        return new Ca(cn);
    }

    private interface Extensions {
        void add(JcaX509v3CertificateBuilder b) throws IOException;
    }

    private static X509Certificate sign(X500Name subject, java.security.PublicKey pub, X500Name issuer,
                                        PrivateKey issuerKey, Extensions ext) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(2))), subject, pub);
            ext.add(b);
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path p, String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        try {
            java.nio.file.Files.writeString(p, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
