package org.passerelle.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.PayloadVault;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The data keys in one database shared by several nodes of a party, each with a data folder of its own (the message
 * store and the vault as the node wires them, on a database migrated by the node's own migrations): what one seals the
 * other opens, a KEK rotation re-wraps in place, a node without the KEK refuses clearly, an older node's key file is
 * imported. Run on H2 ({@link DataKeysH2Test}) and on PostgreSQL as the node's runtime role ({@link DataKeysPostgresTest}).
 */
abstract class SharedDatabaseKeys {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path keks;

    @TempDir
    Path dir;

    private final List<String> audited = java.util.Collections.synchronizedList(new ArrayList<>());
    private JdbcClient jdbc;

    /** The migrated database, as the node connects to it. */
    abstract JdbcClient database();

    @BeforeEach
    void emptyKeys() {
        jdbc = database();
        jdbc.sql("delete from payload_data_key").update();
    }

    @Test
    void twoNodesWithTheirOwnDataFoldersOpenWhatTheOtherSealed() {
        Kek kek = kek("party");
        Node a = node("GB-1", keys(kek));
        Node b = node("GB-2", keys(kek));

        String fromA = a.accept("sealed by GB-1");
        String fromB = b.accept("sealed by GB-2");

        assertThat(b.payload(fromA)).isEqualTo("sealed by GB-1");
        assertThat(a.payload(fromB)).isEqualTo("sealed by GB-2");
        assertThat(a.vault.keyId()).isEqualTo(b.vault.keyId());
        assertThat(count("select count(*) from payload_data_key")).isOne();
        assertThat(audited).containsExactly("DATA_KEY_CREATED");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void nodesStartingAtOnceOnAnEmptyTableSettleOnOneActiveKey() throws Exception {
        Kek kek = kek("party");
        int nodes = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<DataKeys>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String id = "GB-" + i;
                Callable<DataKeys> start = () -> {
                    go.await();
                    return DataKeys.start(jdbc, keys(kek), this::audit, Clock.systemUTC(), id, null);
                };
                started.add(pool.submit(start));
            }
            go.countDown();
            List<String> active = new ArrayList<>();
            for (Future<DataKeys> f : started) {
                active.add(f.get().active().id());
            }
            assertThat(active).hasSize(nodes).containsOnly(active.get(0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("select count(*) from payload_data_key where active = 'Y'")).isOne();
    }

    @Test
    void aKekRotationRewrapsInPlaceAndTheEarlierKekCanThenGo() {
        Kek kek1 = kek("kek1");
        Kek kek2 = kek("kek2");
        Node before = node("GB-1", keys(kek1));
        String message = before.accept("sealed under a data key wrapped by KEK1");
        byte[] ciphertext = ciphertextOf(message);
        String dataKey = before.vault.keyId();
        audited.clear();

        // The new KEK current, the earlier one kept: the node re-wraps at start-up.
        Node during = node("GB-1", keys(kek2, kek1));
        assertThat(audited).containsExactly("DATA_KEY_REWRAPPED");
        assertThat(jdbc.sql("select kek_id from payload_data_key where key_id = :id").param("id", dataKey)
                .query(String.class).single()).isEqualTo(kek2.id());
        assertThat(during.dataKeys.survey().awaitingRewrap()).isEmpty();

        // The earlier KEK removed: everything still opens; the payload itself was never touched.
        Node after = node("GB-2", keys(kek2));
        assertThat(after.payload(message)).isEqualTo("sealed under a data key wrapped by KEK1");
        assertThat(ciphertextOf(message)).isEqualTo(ciphertext);
        assertThat(after.vault.keyId()).isEqualTo(dataKey);
        assertThat(count("select count(*) from payload_data_key")).isOne();

        // A node left with only the earlier KEK refuses to start rather than seal under a key of its own.
        assertThatThrownBy(() -> node("GB-3", keys(kek1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The active data key " + dataKey + " is wrapped under KEK " + kek2.id()
                        + ", which this node does not hold");
    }

    @Test
    void aPayloadUnderAKeyThisNodeCannotUnwrapFailsWithAStableCodeAndIsReported() {
        Kek party = kek("party");
        Kek stranger = kek("stranger");
        Node other = node("XX-1", keys(stranger));
        String message = other.accept("sealed under another party's KEK");
        jdbc.sql("update payload_data_key set active = null").update();

        Node node = node("GB-1", keys(party));

        assertThat(node.dataKeys.survey().unavailable()).containsExactly(other.vault.keyId() + " (KEK " + stranger.id() + ")");
        assertThatThrownBy(() -> node.payload(message))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"))
                .hasMessageContaining("which this node does not hold");
        assertThatThrownBy(() -> node.vault.open("m", "k-0123456789abcdef", new byte[12], new byte[32]))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"))
                .hasMessageContaining("No data key k-0123456789abcdef is stored");
    }

    @Test
    void aWrappedKeyChangedInTheDatabaseIsRefused() {
        Kek kek = kek("party");
        Node a = node("GB-1", keys(kek));
        String message = a.accept("payload");
        byte[] wrapped = jdbc.sql("select wrapped from payload_data_key").query(byte[].class).single();
        wrapped[wrapped.length - 1] ^= 1;
        jdbc.sql("update payload_data_key set wrapped = :w").param("w", wrapped).update();

        assertThatThrownBy(() -> node("GB-2", keys(kek))).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE")).hasMessageContaining("does not open");
        assertThat(a.payload(message)).isEqualTo("payload"); // the node that had it unwrapped before
    }

    @Test
    void aChangedKeyAwaitingItsRewrapIsLeftAndReportedAndTheNodeStarts() {
        Kek kek1 = kek("kek1");
        Kek kek2 = kek("kek2");
        Node before = node("GB-1", keys(kek1));
        String message = before.accept("sealed under the key that will be changed");
        String changed = before.vault.keyId();
        jdbc.sql("update payload_data_key set active = null").update();
        byte[] wrapped = jdbc.sql("select wrapped from payload_data_key").query(byte[].class).single();
        wrapped[wrapped.length - 1] ^= 1;
        jdbc.sql("update payload_data_key set wrapped = :w").param("w", wrapped).update();
        audited.clear();

        Node after = node("GB-2", keys(kek2, kek1));

        assertThat(audited).containsExactly("DATA_KEY_CREATED");
        assertThat(after.dataKeys.survey().awaitingRewrap()).containsExactly(changed + " (KEK " + kek1.id() + ")");
        assertThatThrownBy(() -> after.payload(message))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("PAYLOAD_KEY_UNAVAILABLE"));
        assertThat(after.payload(after.accept("sealed under the new active key"))).isEqualTo("sealed under the new active key");
    }

    @Test
    void anOlderNodesKeyFileIsImportedWithItsIdSoWhatItSealedStillOpens() throws Exception {
        SecretKey legacy = KeyEncryptionKeysTest.aes();
        Path dataDir = Files.createDirectories(dir.resolve("node-data"));
        Path file = dataDir.resolve(DataKeys.LEGACY_FILE);
        Files.writeString(file, Base64.getEncoder().encodeToString(legacy.getEncoded()));
        String legacyId = DataKeys.idOf(legacy);
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        byte[] sealedBefore = legacySeal(legacy, "m-before-upgrade", iv, "sealed by the older version");
        Kek kek = kek("party");

        DataKeys keys = DataKeys.start(jdbc, keys(kek), this::audit, Clock.systemUTC(), "GB-1", file);

        assertThat(audited).containsExactly("DATA_KEY_IMPORTED");
        assertThat(keys.active().id()).isEqualTo(legacyId);
        assertThat(jdbc.sql("select origin from payload_data_key where key_id = :id").param("id", legacyId)
                .query(String.class).single()).isEqualTo("IMPORTED");
        // Another node of the party, without the file, opens what the older version sealed.
        PayloadVault elsewhere = new PayloadVault(DataKeys.start(jdbc, keys(kek), this::audit, Clock.systemUTC(), "GB-2", null));
        assertThat(new String(elsewhere.open("m-before-upgrade", legacyId, iv, sealedBefore), StandardCharsets.UTF_8))
                .isEqualTo("sealed by the older version");
        // Started again with the file still there: nothing more is stored or audited.
        DataKeys.start(jdbc, keys(kek), this::audit, Clock.systemUTC(), "GB-1", file);
        assertThat(audited).containsExactly("DATA_KEY_IMPORTED");
        assertThat(count("select count(*) from payload_data_key")).isOne();
    }

    @Test
    void aKeyFileFoundWhenAnotherKeyIsActiveIsKeptForOpeningOnly() throws Exception {
        Kek kek = kek("party");
        Node first = node("GB-1", keys(kek));
        SecretKey legacy = KeyEncryptionKeysTest.aes();
        Path file = dir.resolve(DataKeys.LEGACY_FILE);
        Files.writeString(file, Base64.getEncoder().encodeToString(legacy.getEncoded()));

        DataKeys second = DataKeys.start(jdbc, keys(kek), this::audit, Clock.systemUTC(), "GB-2", file);

        assertThat(second.active().id()).isEqualTo(first.vault.keyId());
        assertThat(second.key(DataKeys.idOf(legacy)).getEncoded()).isEqualTo(legacy.getEncoded());
        assertThat(count("select count(*) from payload_data_key where active is null")).isOne();
    }

    private record Node(DataKeys dataKeys, PayloadVault vault, MessageStore store) {

        String accept(String payload) {
            String id = UUID.randomUUID().toString();
            Instant now = Instant.now();
            assertThat(store.accept(new NewMessage(id, Direction.OUTBOUND, "CaseStatusUpdate", id, null, "GB", "FR", now,
                    now.plus(Duration.ofDays(1)), "0".repeat(64), payload.length(), true),
                    payload.getBytes(StandardCharsets.UTF_8), List.of(MessageStatus.RECEIVED), List.of())).isTrue();
            return id;
        }

        String payload(String messageId) {
            return new String(store.payload(messageId).orElseThrow(), StandardCharsets.UTF_8);
        }
    }

    private Node node(String nodeId, KekProvider keks) {
        DataKeys keys = DataKeys.start(jdbc, keks, this::audit, Clock.systemUTC(), nodeId, null);
        PayloadVault vault = new PayloadVault(keys);
        return new Node(keys, vault, new MessageStore(jdbc, vault, Clock.systemUTC()));
    }

    private void audit(AuditAction action, String keyId, String detail) {
        assertThat(detail).contains(keyId);
        audited.add(action.name());
    }

    private static KeyEncryptionKeys keys(Kek current, Kek... others) {
        return new KeyEncryptionKeys(current, List.of(others));
    }

    private static Kek kek(String name) {
        Path file = keks.resolve(name + "-" + UUID.randomUUID() + ".p12");
        KeystoreKeks.create(file, PASSWORD, "data-kek");
        return KeystoreKeks.load(file, PASSWORD, "data-kek");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private byte[] ciphertextOf(String messageId) {
        return jdbc.sql("select ciphertext from message_payload where message_id = :id").param("id", messageId)
                .query(byte[].class).single();
    }

    /** What versions before V85 stored: AES-256-GCM under the file's key, the message id as associated data. */
    private static byte[] legacySeal(SecretKey key, String messageId, byte[] iv, String plain) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(messageId.getBytes(StandardCharsets.US_ASCII));
        return cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
    }
}
