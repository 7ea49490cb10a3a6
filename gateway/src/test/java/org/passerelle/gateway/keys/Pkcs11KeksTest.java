package org.passerelle.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.error.GatewayException;

/**
 * The KEK on a PKCS#11 token: SoftHSM2 (Debian's {@code softhsm2}), skipped where it is not installed. The token is
 * made in {@code target/softhsm}, where the surefire configuration points {@code SOFTHSM2_CONF}.
 */
class Pkcs11KeksTest {

    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final String PIN = "1234";
    private static Path config;
    private static SecretKey imported;

    @TempDir
    static Path dir;

    @BeforeAll
    static void token() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        org.junit.jupiter.api.Assumptions.assumeTrue(conf != null && Files.isReadable(LIBRARY) && onPath("softhsm2-util"),
                "SoftHSM2 is not installed (apt-get install softhsm2), or SOFTHSM2_CONF is not set");
        Path home = Path.of(conf).getParent();
        Path tokens = home.resolve("tokens");
        deleteTree(tokens);
        Files.createDirectories(tokens);
        Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        run("softhsm2-util", "--init-token", "--free", "--label", "passerelle-test", "--pin", PIN, "--so-pin", "5678");
        config = dir.resolve("pkcs11.cfg");
        Files.writeString(config, "name = SoftHSM\nlibrary = " + LIBRARY + "\nslotListIndex = 0\n"
                + "attributes(*, CKO_SECRET_KEY, CKK_AES) = {\n  CKA_ENCRYPT = true\n  CKA_DECRYPT = true\n"
                + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
        // Two keys on the token: one imported from a key store (as when a party moves its KEK to an HSM), one made there.
        Path keystore = dir.resolve("kek.p12");
        KeystoreKeks.create(keystore, "changeit".toCharArray(), "data-kek");
        KeyStore soft = KeyStore.getInstance(keystore.toFile(), "changeit".toCharArray());
        imported = (SecretKey) soft.getKey("data-kek", "changeit".toCharArray());
        Pkcs11Keks token = Pkcs11Keks.open(config, PIN.toCharArray());
        token.store("passerelle-kek", imported);
        token.store("passerelle-kek-2", KeyEncryptionKeysTest.aes());
    }

    @Test
    void wrapsAndUnwrapsOnTheTokenWithTheSameKekIdAsTheKeyStoreKey() throws Exception {
        KeysProperties settings = settings("passerelle-kek", List.of());
        KeyEncryptionKeys onToken = KeysConfiguration.keks(settings, dir, "changeit");
        KeyEncryptionKeys inStore = new KeyEncryptionKeys(new Kek(imported, null, "store"), List.of());
        SecretKey data = KeyEncryptionKeysTest.aes();
        String id = DataKeys.idOf(data);

        WrappedKey wrapped = onToken.wrap(id, data);

        assertThat(onToken.currentKekId()).isEqualTo(inStore.currentKekId());
        assertThat(onToken.unwrap(id, wrapped.kekId(), wrapped.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
        // What the key store wrapped the token unwraps, and the other way round: moving the KEK to an HSM needs no re-wrap.
        WrappedKey bySoftware = inStore.wrap(id, data);
        assertThat(onToken.unwrap(id, bySoftware.kekId(), bySoftware.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
        assertThat(inStore.unwrap(id, wrapped.kekId(), wrapped.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
        byte[] tampered = wrapped.wrapped().clone();
        tampered[15] ^= 1;
        assertThatThrownBy(() -> onToken.unwrap(id, wrapped.kekId(), tampered)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("does not open");
    }

    @Test
    void rotatesToAnotherKeyOnTheToken() throws Exception {
        KeyEncryptionKeys before = KeysConfiguration.keks(settings("passerelle-kek", List.of()), dir, "changeit");
        KeyEncryptionKeys after = KeysConfiguration.keks(settings("passerelle-kek-2", List.of("passerelle-kek")), dir, "changeit");
        SecretKey data = KeyEncryptionKeysTest.aes();
        WrappedKey old = before.wrap(DataKeys.idOf(data), data);

        assertThat(after.currentKekId()).isNotEqualTo(before.currentKekId());
        assertThat(after.kekIds()).contains(before.currentKekId());
        assertThat(after.unwrap(DataKeys.idOf(data), old.kekId(), old.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
        assertThatThrownBy(() -> KeysConfiguration.keks(settings("no-such-key", List.of()), dir, "changeit"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no AES secret key labelled 'no-such-key'");
    }

    private static KeysProperties settings(String label, List<String> earlier) {
        return new KeysProperties(KeysProperties.Provider.PKCS11, null, null, "data-kek", List.of(),
                new KeysProperties.Pkcs11(config, PIN, label, earlier), true);
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
