package org.passerelle.security.testing;

import static org.passerelle.security.pki.DevCertificates.Usage.CRL_SIGN;
import static org.passerelle.security.pki.DevCertificates.Usage.DIGITAL_SIGNATURE;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_AGREEMENT;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_CERT_SIGN;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.PartyTrust;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.pki.DevCertificates.Template;
import org.passerelle.security.pki.DevPki;

/**
 * A development PKI (GB, FR, BE) generated once per JVM into a temporary folder, with the ready-made
 * crypto objects of each party, forged certificates for forgery tests, and CRLs issued on demand.
 */
public final class TestPki {

    public static final List<String> PARTIES = List.of("GB", "FR", "BE");

    private static TestPki shared;

    private final DevPki pki;
    private final PartyTrust trust;

    private TestPki(DevPki pki) {
        this.pki = pki;
        this.trust = pki.partyTrust();
    }

    /** The PKI of this JVM, generated on first use and deleted when the JVM exits. */
    public static synchronized TestPki shared() {
        if (shared == null) {
            try {
                Path directory = Files.createTempDirectory("passerelle-pki-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(directory)));
                shared = new TestPki(DevPki.generate(directory, PARTIES));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** A PKI generated into the given folder (for tests that need their own). */
    public static TestPki generate(Path directory) {
        return new TestPki(DevPki.generate(directory, PARTIES));
    }

    public DevPki files() {
        return pki;
    }

    public PartyTrust trust() {
        return trust;
    }

    public KeyMaterial gateway(String party) {
        return pki.gateway(party).load();
    }

    public KeyMaterial gatewayRsa(String party) {
        return pki.gatewayRsa(party).load();
    }

    public KeyMaterial revoked(String party) {
        return pki.revoked(party).load();
    }

    public KeyMaterial expired(String party) {
        return pki.expired(party).load();
    }

    public KeyMaterial officer(String party, String role) {
        return pki.officer(party, role).load();
    }

    public KeyMaterial system(String party) {
        return pki.system(party).load();
    }

    public KeyMaterial rootCa(String party) {
        return pki.rootCa(party).load();
    }

    /** The party's delegated OCSP responder (EKU id-kp-OCSPSigning, issued by its root CA). */
    public KeyMaterial ocspResponder(String party) {
        return pki.ocspResponder(party).load();
    }

    /** A CRL of the party's root CA with these dates, revoking these serial numbers. */
    public X509CRL crl(String party, Instant thisUpdate, Instant nextUpdate, List<java.math.BigInteger> revokedSerials) {
        KeyMaterial ca = rootCa(party);
        return DevCertificates.crl(ca.certificate(), ca.privateKey(), thisUpdate, nextUpdate, revokedSerials, "SHA384withECDSA");
    }

    public CertificateValidator validator() {
        return new CertificateValidator(trust);
    }

    public CmsVerifier verifier() {
        return new CmsVerifier(validator());
    }

    public CmsSigner signer(String party) {
        return new CmsSigner(gateway(party));
    }

    public CmsEncryptor encryptor() {
        return new CmsEncryptor();
    }

    public CmsDecryptor decryptor(String party) {
        return new CmsDecryptor(gateway(party));
    }

    // --- forgeries ---------------------------------------------------------------------------------------

    /** A gateway-like certificate template of the party, valid from yesterday for a year. */
    public static Template gatewayTemplate(String party) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String lower = party.toLowerCase(Locale.ROOT);
        return new Template("CN=forged." + lower + ".passerelle.test,O=Passerelle tests,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), false, Set.of(DIGITAL_SIGNATURE, KEY_AGREEMENT),
                true, true, List.of(PartyBinding.PARTY_URI_PREFIX + party), List.of("localhost"), List.of("127.0.0.1"), List.of());
    }

    /** A certificate from the party's real root CA for the given template and key, signed with the algorithm given. */
    public KeyMaterial issuedByRootCa(String party, Template template, KeyPair keys, String signatureAlgorithm) {
        KeyMaterial ca = rootCa(party);
        X509Certificate certificate = DevCertificates.issue(template, keys.getPublic(), ca.certificate(), ca.privateKey(), signatureAlgorithm);
        return new KeyMaterial(keys.getPrivate(), List.of(certificate, ca.certificate()));
    }

    /** A P-256 certificate from the party's real root CA for the given template. */
    public KeyMaterial issuedByRootCa(String party, Template template) {
        return issuedByRootCa(party, template, DevCertificates.ecKeyPair("secp256r1"), "SHA384withECDSA");
    }

    /** A certificate bound to the party, from a self-made CA that looks like the party's but is no anchor. */
    public static KeyMaterial fromRogueCa(String party) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        KeyPair caKeys = DevCertificates.ecKeyPair("secp384r1");
        X509Certificate rogue = DevCertificates.selfSigned(new Template(
                "CN=Passerelle Development Root CA " + party + ",O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), true, Set.of(KEY_CERT_SIGN, CRL_SIGN),
                false, false, List.of(PartyBinding.PARTY_URI_PREFIX + party), List.of(), List.of(), List.of()), caKeys, "SHA384withECDSA");
        KeyPair keys = DevCertificates.ecKeyPair("secp256r1");
        X509Certificate certificate = DevCertificates.issue(gatewayTemplate(party), keys.getPublic(), rogue, caKeys.getPrivate(), "SHA384withECDSA");
        return new KeyMaterial(keys.getPrivate(), List.of(certificate, rogue));
    }

    /** A CRL of the party's root CA whose next update has passed. */
    public X509CRL staleCrl(String party) {
        KeyMaterial ca = rootCa(party);
        Instant now = Instant.now();
        return DevCertificates.crl(ca.certificate(), ca.privateKey(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
                List.of(), "SHA384withECDSA");
    }

    /** The trust of every party, with the given party's CRLs replaced. */
    public PartyTrust trustWithCrls(String party, List<X509CRL> crls) {
        List<X509CRL> replacement = new ArrayList<>();
        X509Certificate anchor = trust.anchors(party).get(0);
        trust.crls().stream().filter(c -> !c.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())).forEach(replacement::add);
        replacement.addAll(crls);
        return trust.withCrls(replacement);
    }

    /** A signer whose signing time is the given instant. */
    public static CmsSigner signerAt(KeyMaterial key, Instant signingTime) {
        return new CmsSigner(key, Clock.fixed(signingTime, java.time.ZoneOffset.UTC));
    }

    /** Deterministic XML-like bytes of the given size (no real personal data). */
    public static byte[] payload(int size) {
        byte[] pattern = "<case ref=\"TEST-0001\" status=\"pending\"/>\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = pattern[i % pattern.length];
        }
        return bytes;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> tree = Files.walk(directory)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
