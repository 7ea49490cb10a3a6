package org.passerelle.security.pki;

import static org.passerelle.security.pki.DevCertificates.Usage.CRL_SIGN;
import static org.passerelle.security.pki.DevCertificates.Usage.DIGITAL_SIGNATURE;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_AGREEMENT;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_CERT_SIGN;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_ENCIPHERMENT;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.PartyTrust;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;

/**
 * A development PKI on disk (see {@code README.txt} in its folder): generates one with
 * {@link #generate(Path, List)}, or opens one generated before with {@link #open(Path)}, and hands out its files.
 *
 * <p>Layout, for each party {@code XX}: {@code XX/root-ca.*}, {@code XX/root-ca-crl.pem}, {@code XX/gateway.*},
 * {@code XX/gateway-rsa.*}, {@code XX/officer-<role>.*}, {@code XX/system-casework.*}, {@code XX/dispatch.*},
 * {@code XX/backend.*}, {@code XX/revoked.*},
 * {@code XX/expired.*}, {@code XX/ocsp-responder.*}, where {@code .*} is {@code .p12} (key and chain), {@code -cert.pem} and
 * {@code -key.pem} (PKCS#8, unencrypted); and {@code truststore.p12} with every party's root CA. Every
 * PKCS#12 password is {@link #PASSWORD}. And {@code XX/data-kek.p12}, the party's key-encryption key (an AES-256 secret
 * key entry).
 */
public final class DevPki {

    /** The password of every PKCS#12 file (key stores and trust store) of a development PKI. */
    public static final String PASSWORD = "changeit";
    public static final List<String> DEFAULT_PARTIES = List.of("GB", "FR", "BE");
    /** The officer roles that get a client certificate each. */
    public static final List<String> OFFICER_ROLES = List.of("liaison-officer", "caseworker", "auditor", "administrator");
    /** The back-end system that gets a client certificate. */
    public static final String SYSTEM_NAME = "casework";
    public static final String README = "README.txt";
    public static final String TRUST_STORE = "truststore.p12";
    /** The alias of the AES-256 secret key entry in each party's {@link #dataKek(String)} key store. */
    public static final String DATA_KEK_ALIAS = "data-kek";

    private static final Duration CRL_LIFETIME = Duration.ofDays(365);
    private static final Duration LEAF_LIFETIME = Duration.ofDays(365);
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);

    /** The three files of one key: PKCS#12 (key and chain), certificate PEM, private key PEM. */
    public record Credential(Path pkcs12, Path certificatePem, Path privateKeyPem) {

        /** Reads the key and chain from the PKCS#12 file. */
        public KeyMaterial load() {
            return KeyMaterial.load(pkcs12, PASSWORD.toCharArray());
        }
    }

    private final Path directory;
    private final List<String> parties;

    private DevPki(Path directory, List<String> parties) {
        this.directory = directory;
        this.parties = List.copyOf(parties);
    }

    /** Generates a PKI into the folder; refuses if the folder already holds one. */
    public static DevPki generate(Path directory, List<String> parties) {
        return generate(directory, parties, false);
    }

    /**
     * Generates a PKI into the folder. If it already holds one ({@code README.txt} present), refuses unless
     * {@code replace} is set, in which case the files this generator writes are deleted first and everything is
     * generated anew (other files in the folder are left alone).
     */
    public static DevPki generate(Path directory, List<String> parties, boolean replace) {
        List<String> codes = parties.isEmpty() ? DEFAULT_PARTIES : List.copyOf(parties);
        for (String party : codes) {
            if (!PartyBinding.isPartyCode(party)) {
                throw new IllegalArgumentException("a party code is two upper-case letters: " + party);
            }
        }
        try {
            if (Files.exists(directory.resolve(README))) {
                if (!replace) {
                    throw new FileAlreadyExistsException(directory.toString(), null,
                            "a development PKI is already there; pass --force (or replace=true) to generate a new one");
                }
                deleteGenerated(directory);
            }
            Files.createDirectories(directory);
            DevPki pki = new DevPki(directory, codes);
            List<X509Certificate> anchors = new ArrayList<>();
            for (String party : codes) {
                anchors.add(pki.generateParty(party));
            }
            pki.writeTrustStore(anchors);
            pki.writeReadme();
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a PKI generated before (parties are the two-letter folders). */
    public static DevPki open(Path directory) {
        if (!Files.exists(directory.resolve(README))) {
            throw new SecurityCheckException(SecurityErrorCode.KEY_MATERIAL_INVALID, "no development PKI in " + directory);
        }
        try (Stream<Path> entries = Files.list(directory)) {
            List<String> parties = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(PartyBinding::isPartyCode).sorted().toList();
            return new DevPki(directory, parties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path directory() {
        return directory;
    }

    public List<String> parties() {
        return parties;
    }

    public Path trustStore() {
        return directory.resolve(TRUST_STORE);
    }

    public Path readme() {
        return directory.resolve(README);
    }

    public Credential rootCa(String party) {
        return credential(party, "root-ca");
    }

    /** The party's current CRL (PEM), revoking {@link #revoked(String)}. */
    public Path crl(String party) {
        return directory.resolve(party).resolve("root-ca-crl.pem");
    }

    /** The party's gateway: EC P-256, signing and TLS server and client. */
    public Credential gateway(String party) {
        return credential(party, "gateway");
    }

    /** The RSA 3072 variant of the gateway certificate (RSA-PSS signatures, RSA-OAEP encryption). */
    public Credential gatewayRsa(String party) {
        return credential(party, "gateway-rsa");
    }

    /** An officer's client certificate for one of {@link #OFFICER_ROLES}. */
    public Credential officer(String party, String role) {
        if (!OFFICER_ROLES.contains(role)) {
            throw new IllegalArgumentException("no officer with role " + role);
        }
        return credential(party, "officer-" + role);
    }

    /** The back-end system's client certificate ({@code urn:passerelle:system:XX:casework}). */
    public Credential system(String party) {
        return credential(party, "system-" + SYSTEM_NAME);
    }

    /**
     * The node's client certificate for delivering to its party's back-ends over HTTPS (mutual TLS, clientAuth only,
     * SAN {@code dispatch.xx.passerelle.test}): what a back-end checks to know the envelope comes from its gateway.
     */
    public Credential dispatch(String party) {
        return credential(party, "dispatch");
    }

    /** A back-end's HTTPS server certificate (serverAuth only, SAN localhost, 127.0.0.1, backend.xx.passerelle.test). */
    public Credential backend(String party) {
        return credential(party, "backend");
    }

    /** A gateway-like certificate listed on the party's CRL. */
    public Credential revoked(String party) {
        return credential(party, "revoked");
    }

    /** A gateway-like certificate that expired a day before generation. */
    public Credential expired(String party) {
        return credential(party, "expired");
    }

    /**
     * The party's delegated OCSP responder: issued by the root CA, EKU id-kp-OCSPSigning, digitalSignature. Absent
     * from a PKI generated before responders were added; regenerate it with {@code --force}.
     */
    public Credential ocspResponder(String party) {
        return credential(party, "ocsp-responder");
    }

    /**
     * The party's key-encryption key: a PKCS#12 key store holding one AES-256 secret key under {@link #DATA_KEK_ALIAS},
     * shared by every node of the party to wrap the data keys that seal payloads at rest. Absent from a PKI generated
     * before it was added; regenerate it with {@code --force}.
     */
    public Path dataKek(String party) {
        return directory.resolve(party).resolve("data-kek.p12");
    }

    /** Every party's root CA as anchor, with every party's CRL. */
    public PartyTrust partyTrust() {
        return PartyTrust.load(trustStore(), PASSWORD.toCharArray(), parties.stream().map(this::crl).toList());
    }

    private Credential credential(String party, String name) {
        Path folder = directory.resolve(party);
        return new Credential(folder.resolve(name + ".p12"), folder.resolve(name + "-cert.pem"), folder.resolve(name + "-key.pem"));
    }

    private X509Certificate generateParty(String party) throws IOException {
        Files.createDirectories(directory.resolve(party));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String lower = party.toLowerCase(Locale.ROOT);
        String partyUri = PartyBinding.PARTY_URI_PREFIX + party;

        KeyPair caKeys = DevCertificates.ecKeyPair("secp384r1");
        X509Certificate ca = DevCertificates.selfSigned(new DevCertificates.Template(
                "CN=Passerelle Development Root CA " + party + ",O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(365)), now.plus(CA_LIFETIME), true, Set.of(KEY_CERT_SIGN, CRL_SIGN),
                false, false, List.of(partyUri), List.of(), List.of(), List.of()), caKeys, "SHA384withECDSA");
        write(rootCa(party), caKeys.getPrivate(), List.of(ca));

        DevCertificates.Template gateway = new DevCertificates.Template(
                "CN=gateway." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE, KEY_AGREEMENT),
                true, true, List.of(partyUri), List.of("localhost", "gateway." + lower + ".passerelle.test"), List.of("127.0.0.1"), List.of());
        issue(gateway(party), gateway, DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());
        issue(gatewayRsa(party), gateway.withUsages(Set.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT)),
                DevCertificates.rsaKeyPair(3072), ca, caKeys.getPrivate());

        for (String role : OFFICER_ROLES) {
            String id = lower + "-" + role + "-1";
            issue(officer(party, role), new DevCertificates.Template(
                    "CN=" + id + ",OU=" + role + ",O=Passerelle development,C=" + party,
                    now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE), false, true,
                    List.of(partyUri, PartyBinding.OFFICER_URI_PREFIX + id, PartyBinding.ROLE_URI_PREFIX + role),
                    List.of(), List.of(), List.of(id + "@" + lower + ".passerelle.test")), DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());
        }
        issue(system(party), new DevCertificates.Template(
                "CN=" + SYSTEM_NAME + "." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE), false, true,
                List.of(PartyBinding.SYSTEM_URI_PREFIX + party + ":" + SYSTEM_NAME), List.of(), List.of(), List.of()),
                DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());

        issue(dispatch(party), new DevCertificates.Template(
                "CN=dispatch." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE), false, true,
                List.of(), List.of("dispatch." + lower + ".passerelle.test"), List.of(), List.of()),
                DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());
        issue(backend(party), new DevCertificates.Template(
                "CN=backend." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE, KEY_AGREEMENT), true, false,
                List.of(), List.of("localhost", "backend." + lower + ".passerelle.test"), List.of("127.0.0.1"), List.of()),
                DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());

        X509Certificate revoked = issue(revoked(party), gateway, DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());
        issue(expired(party), gateway.withValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))),
                DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());

        issue(ocspResponder(party), new DevCertificates.Template(
                "CN=ocsp." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(LEAF_LIFETIME), false, Set.of(DIGITAL_SIGNATURE), false, false,
                List.of(partyUri), List.of(), List.of(), List.of()).withOcspSigning(true),
                DevCertificates.ecKeyPair("secp256r1"), ca, caKeys.getPrivate());

        X509CRL crl = DevCertificates.crl(ca, caKeys.getPrivate(), now.minus(Duration.ofHours(1)), now.plus(CRL_LIFETIME),
                List.of(revoked.getSerialNumber()), "SHA384withECDSA");
        Files.writeString(crl(party), pem(crl), StandardCharsets.US_ASCII);
        writeSecretKey(dataKek(party), DevCertificates.aesKey());
        return ca;
    }

    private X509Certificate issue(Credential target, DevCertificates.Template template, KeyPair keys, X509Certificate ca, PrivateKey caKey)
            throws IOException {
        X509Certificate certificate = DevCertificates.issue(template, keys.getPublic(), ca, caKey, "SHA384withECDSA");
        write(target, keys.getPrivate(), List.of(certificate, ca));
        return certificate;
    }

    private static void write(Credential target, PrivateKey key, List<X509Certificate> chain) throws IOException {
        String alias = target.pkcs12().getFileName().toString().replace(".p12", "");
        try (OutputStream out = Files.newOutputStream(target.pkcs12())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            store.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, "cannot write " + target.pkcs12().getFileName(), e);
        }
        Files.writeString(target.certificatePem(), pem(chain.get(0)), StandardCharsets.US_ASCII);
        Files.writeString(target.privateKeyPem(), pem(key), StandardCharsets.US_ASCII);
    }

    private static void writeSecretKey(Path file, javax.crypto.SecretKey key) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setEntry(DATA_KEK_ALIAS, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
            store.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, "cannot write " + file.getFileName(), e);
        }
    }

    private void writeTrustStore(List<X509Certificate> anchors) throws IOException {
        try (OutputStream out = Files.newOutputStream(trustStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry(PartyBinding.partyOf(anchor).toLowerCase(Locale.ROOT) + "-root-ca", anchor);
            }
            store.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, "cannot write the trust store", e);
        }
    }

    private void writeReadme() throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("Passerelle development PKI - for development and tests only, never for real traffic.\n")
                .append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" for parties ")
                .append(String.join(" ", parties)).append(".\n\n")
                .append("Password of every .p12 file: ").append(PASSWORD).append("\n")
                .append("Private keys (*-key.pem, PKCS#8) are unencrypted. *.p12 and *-key.pem are git-ignored.\n\n")
                .append("truststore.p12               every party's root CA (aliases gb-root-ca, fr-root-ca, ...)\n")
                .append("XX/root-ca.*                 root CA of party XX (EC P-384), SAN urn:passerelle:party:XX\n")
                .append("XX/root-ca-crl.pem           CRL of that CA (valid one year), revoking XX/revoked\n")
                .append("XX/gateway.*                 gateway: EC P-256, digitalSignature+keyAgreement, serverAuth+clientAuth,\n")
                .append("                             SAN localhost, 127.0.0.1, gateway.xx.passerelle.test, urn:passerelle:party:XX\n")
                .append("XX/gateway-rsa.*             the same as RSA 3072 (RSA-PSS, RSA-OAEP), digitalSignature+keyEncipherment\n")
                .append("XX/officer-<role>.*          officer client certificates, roles ").append(String.join(", ", OFFICER_ROLES)).append(";\n")
                .append("                             SAN urn:passerelle:party:XX, urn:passerelle:officer:<id>, urn:passerelle:role:<role>, e-mail\n")
                .append("XX/system-casework.*         back-end client certificate, SAN urn:passerelle:system:XX:casework\n")
                .append("XX/dispatch.*                the node's client certificate for HTTPS delivery to back-ends (clientAuth),\n")
                .append("                             SAN dispatch.xx.passerelle.test (passerelle.backend.tls.key-store)\n")
                .append("XX/backend.*                 a back-end's HTTPS server certificate (serverAuth), SAN localhost, 127.0.0.1,\n")
                .append("                             backend.xx.passerelle.test\n")
                .append("XX/revoked.*                 gateway-like certificate listed on the CRL (for tests)\n")
                .append("XX/expired.*                 gateway-like certificate expired a day before generation (for tests)\n")
                .append("XX/ocsp-responder.*          delegated OCSP responder of that CA: EC P-256, digitalSignature, EKU OCSPSigning\n")
                .append("XX/data-kek.p12              the party's key-encryption key: AES-256 secret key, alias ").append(DATA_KEK_ALIAS).append(",\n")
                .append("                             shared by the party's nodes to wrap their payload data keys (passerelle.keys.keystore)\n\n")
                .append("Each key comes as NAME.p12 (key + chain), NAME-cert.pem (certificate) and NAME-key.pem (private key).\n")
                .append("Certificates are valid one year. Regenerate with: ./passerelle pki DIR [PARTY ...] --force\n");
        Files.writeString(readme(), text.toString(), StandardCharsets.UTF_8);
    }

    private static void deleteGenerated(Path directory) throws IOException {
        List<Path> doomed = new ArrayList<>(List.of(directory.resolve(README), directory.resolve(TRUST_STORE)));
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(p -> Files.isDirectory(p) && PartyBinding.isPartyCode(p.getFileName().toString())).forEach(doomed::add);
        }
        for (Path path : doomed) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> tree = Files.walk(path)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            } else {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PrivateKey key) {
                writer.writeObject(new JcaPKCS8Generator(key, null)); // PKCS#8 "PRIVATE KEY", as the README says
            } else {
                writer.writeObject(object);
            }
        }
        return text.toString();
    }
}
