package org.passerelle.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;

/** Wrapping and unwrapping data keys under KEKs held in key stores. */
class KeyEncryptionKeysTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    @Test
    void wrapsAndUnwrapsADataKeyBoundToItsId() throws Exception {
        KeyEncryptionKeys keks = new KeyEncryptionKeys(kek("a"), List.of());
        SecretKey data = aes();
        String id = DataKeys.idOf(data);

        WrappedKey wrapped = keks.wrap(id, data);

        assertThat(wrapped.kekId()).isEqualTo(keks.currentKekId()).matches("kek-[0-9a-f]{16}");
        assertThat(wrapped.wrapped()).hasSize(12 + 32 + 16);
        assertThat(java.util.Arrays.equals(wrapped.wrapped(), 12, 44, data.getEncoded(), 0, 32)).isFalse();
        assertThat(keks.unwrap(id, wrapped.kekId(), wrapped.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
    }

    @Test
    void aChangedWrappingOrOneMovedToAnotherKeyIsRefused() throws Exception {
        KeyEncryptionKeys keks = new KeyEncryptionKeys(kek("a"), List.of());
        SecretKey data = aes();
        String id = DataKeys.idOf(data);
        WrappedKey wrapped = keks.wrap(id, data);
        byte[] tampered = wrapped.wrapped().clone();
        tampered[20] ^= 1;

        assertThatThrownBy(() -> keks.unwrap(id, wrapped.kekId(), tampered))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"))
                .hasMessageContaining("does not open under KEK " + keks.currentKekId());
        assertThatThrownBy(() -> keks.unwrap("k-0000000000000000", wrapped.kekId(), wrapped.wrapped()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"));
    }

    @Test
    void aKeyWrappedUnderAKekThisNodeDoesNotHoldIsRefusedNamingBothKeks() throws Exception {
        KeyEncryptionKeys one = new KeyEncryptionKeys(kek("a"), List.of());
        KeyEncryptionKeys other = new KeyEncryptionKeys(kek("b"), List.of());
        SecretKey data = aes();
        WrappedKey wrapped = one.wrap(DataKeys.idOf(data), data);

        assertThat(other.currentKekId()).isNotEqualTo(one.currentKekId());
        assertThatThrownBy(() -> other.unwrap(DataKeys.idOf(data), wrapped.kekId(), wrapped.wrapped()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"))
                .hasMessageContaining("wrapped under KEK " + one.currentKekId() + ", which this node does not hold")
                .hasMessageContaining(other.currentKekId());
    }

    @Test
    void anEarlierKekUnwrapsButNeverWraps() throws Exception {
        Kek earlier = kek("a");
        KeyEncryptionKeys before = new KeyEncryptionKeys(earlier, List.of());
        KeyEncryptionKeys after = new KeyEncryptionKeys(kek("b"), List.of(earlier));
        SecretKey data = aes();
        WrappedKey old = before.wrap(DataKeys.idOf(data), data);

        assertThat(after.kekIds()).containsExactly(after.currentKekId(), before.currentKekId());
        assertThat(after.unwrap(DataKeys.idOf(data), old.kekId(), old.wrapped()).getEncoded()).isEqualTo(data.getEncoded());
        assertThat(after.wrap(DataKeys.idOf(data), data).kekId()).isEqualTo(after.currentKekId());
    }

    @Test
    void theKekIdNamesTheKeyNotTheFileAndTheDevelopmentPkiHasOneKekPerParty() {
        DevPki pki = TestPki.shared().files();
        Kek gb = KeystoreKeks.load(pki.dataKek("GB"), DevPki.PASSWORD.toCharArray(), DevPki.DATA_KEK_ALIAS);
        Kek gbAgain = KeystoreKeks.load(pki.dataKek("GB"), DevPki.PASSWORD.toCharArray(), DevPki.DATA_KEK_ALIAS);
        Kek fr = KeystoreKeks.load(pki.dataKek("FR"), DevPki.PASSWORD.toCharArray(), DevPki.DATA_KEK_ALIAS);

        assertThat(gb.id()).isEqualTo(gbAgain.id()).isNotEqualTo(fr.id());
        assertThatThrownBy(() -> KeystoreKeks.load(pki.gateway("GB").pkcs12(), DevPki.PASSWORD.toCharArray(), "gateway"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no AES-256 secret key under alias 'gateway'");
    }

    @Test
    void withoutAKekANodeMakesItsOwnAndOnceOneIsConfiguredItKeepsItsOwnForUnwrappingOnly() {
        Path data = dir.resolve("data");
        KeysProperties none = new KeysProperties(KeysProperties.Provider.KEYSTORE, null, null, "data-kek", List.of(),
                new KeysProperties.Pkcs11(null, null, "passerelle-kek", List.of()), false);
        KeyEncryptionKeys local = KeysConfiguration.keks(none, data, "node-password");
        assertThat(data.resolve(KeysConfiguration.LOCAL_KEK_FILE)).exists();
        assertThat(KeysConfiguration.keks(none, data, "node-password").currentKekId()).isEqualTo(local.currentKekId());

        Path party = dir.resolve("party.p12");
        KeystoreKeks.create(party, PASSWORD, "party-kek");
        KeysProperties configured = new KeysProperties(KeysProperties.Provider.KEYSTORE, party, "changeit", "party-kek",
                List.of(), new KeysProperties.Pkcs11(null, null, "passerelle-kek", List.of()), true);
        KeyEncryptionKeys keks = KeysConfiguration.keks(configured, data, "node-password");

        assertThat(keks.currentKekId()).isNotEqualTo(local.currentKekId());
        assertThat(keks.kekIds()).containsExactly(keks.currentKekId(), local.currentKekId());
        assertThatThrownBy(() -> KeysConfiguration.keks(new KeysProperties(KeysProperties.Provider.KEYSTORE, null, null, "data-kek", List.of(),
                new KeysProperties.Pkcs11(null, null, "passerelle-kek", List.of()), true), dir.resolve("elsewhere"), "node-password"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("No KEK configured");
    }

    private Kek kek(String name) {
        Path file = dir.resolve(name + ".p12");
        KeystoreKeks.create(file, PASSWORD, "data-kek");
        return KeystoreKeks.load(file, PASSWORD, "data-kek");
    }

    static SecretKey aes() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }
}
