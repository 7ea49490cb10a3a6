package org.passerelle.gateway.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The data keys that seal payloads and gallery templates, kept in {@code payload_data_key} wrapped under the party's
 * KEK and unwrapped here on demand (then cached). One key is active: what is sealed now is sealed under it; the others
 * still open what they sealed. Any node holding the KEK opens what any other node sealed.
 *
 * <p>At start-up ({@link #start}) the node imports the data key of an older version's {@code payload-data.key} file,
 * makes sure one key is active (the first node to insert it wins, by the table's unique constraint; the others use
 * it), re-wraps under the current KEK every key still wrapped under another KEK it holds, and reports keys wrapped
 * under KEKs it does not hold. A node that cannot unwrap the active key refuses to start: it must not seal under a key
 * of its own that the other nodes could not open.
 */
public final class DataKeys {

    /** The file in which versions before V85 kept the node's one data key (Base64 of 32 bytes). */
    public static final String LEGACY_FILE = "payload-data.key";

    private static final Logger log = LoggerFactory.getLogger(DataKeys.class);
    private static final int START_ATTEMPTS = 5;

    private final JdbcClient jdbc;
    private final KekProvider keks;
    private final KeyAudit audit;
    private final Clock clock;
    private final String nodeId;
    private final Map<String, SecretKey> cache = new ConcurrentHashMap<>();
    private volatile DataKey active;

    /** A data key and its id. */
    public record DataKey(String id, SecretKey key) {
    }

    /** What the table holds, as this node sees it (no key material). */
    public record Survey(String activeKeyId, String currentKekId, int keys, List<String> awaitingRewrap,
                         List<String> unavailable) {
    }

    DataKeys(JdbcClient jdbc, KekProvider keks, KeyAudit audit, Clock clock, String nodeId) {
        this.jdbc = jdbc;
        this.keks = keks;
        this.audit = audit;
        this.clock = clock;
        this.nodeId = nodeId;
    }

    /** Imports a legacy key file if there is one, settles the active key, re-wraps, reports what it cannot open. */
    public static DataKeys start(JdbcClient jdbc, KekProvider keks, KeyAudit audit, Clock clock, String nodeId,
                                 Path legacyFile) {
        DataKeys keys = new DataKeys(jdbc, keks, audit, clock, nodeId);
        if (legacyFile != null && Files.exists(legacyFile)) {
            keys.importLegacy(legacyFile);
        }
        keys.settleActive();
        keys.rewrap();
        Survey survey = keys.survey();
        if (!survey.unavailable().isEmpty()) {
            log.error("This node cannot unwrap data keys {}: they are wrapped under KEKs it does not hold. What they"
                    + " sealed fails with PAYLOAD_KEY_UNAVAILABLE here; a node with the party's KEK opens it. Configure"
                    + " the missing KEK under passerelle.keys (earlier-keystores during a rotation).", survey.unavailable());
        }
        log.info("Data keys: active {}, {} stored, KEK {}", survey.activeKeyId(), survey.keys(), keks.description());
        return keys;
    }

    /** The key to seal under now. */
    public DataKey active() {
        return active;
    }

    /**
     * The data key with this id, unwrapped.
     *
     * @throws org.passerelle.gateway.error.GatewayException {@code PAYLOAD_KEY_UNAVAILABLE} when no such key is
     *         stored, or it cannot be unwrapped on this node
     */
    public SecretKey key(String keyId) {
        SecretKey cached = cache.get(keyId);
        if (cached != null) {
            return cached;
        }
        Stored row = find(keyId).orElseThrow(() -> Kek.unavailable("No data key " + keyId + " is stored", null));
        SecretKey key = unwrap(row);
        cache.put(keyId, key);
        return key;
    }

    /** The table as this node sees it: which key is active, which keys wait for a re-wrap, which it cannot unwrap. */
    public Survey survey() {
        List<Stored> rows = jdbc.sql("select key_id, kek_id, wrapped, active from payload_data_key order by created_at, key_id")
                .query((rs, n) -> new Stored(rs.getString("key_id"), rs.getString("kek_id"), rs.getBytes("wrapped"),
                        "Y".equals(rs.getString("active")))).list();
        List<String> awaiting = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (Stored row : rows) {
            if (!keks.holds(row.kekId())) {
                unavailable.add(row.keyId() + " (KEK " + row.kekId() + ")");
            } else if (!row.kekId().equals(keks.currentKekId())) {
                awaiting.add(row.keyId() + " (KEK " + row.kekId() + ")");
            }
        }
        String activeId = rows.stream().filter(Stored::active).map(Stored::keyId).findFirst().orElse(null);
        return new Survey(activeId, keks.currentKekId(), rows.size(), List.copyOf(awaiting), List.copyOf(unavailable));
    }

    /**
     * Re-wraps under the current KEK every data key wrapped under another KEK this node holds, each row in place by a
     * conditional update (two nodes doing it at once both succeed harmlessly; one audits it). Payloads are untouched.
     *
     * @return how many keys this node re-wrapped
     */
    public int rewrap() {
        String current = keks.currentKekId();
        List<Stored> rows = jdbc.sql("select key_id, kek_id, wrapped, active from payload_data_key where kek_id <> :kek")
                .param("kek", current)
                .query((rs, n) -> new Stored(rs.getString("key_id"), rs.getString("kek_id"), rs.getBytes("wrapped"),
                        "Y".equals(rs.getString("active")))).list();
        int done = 0;
        for (Stored row : rows) {
            if (!keks.holds(row.kekId())) {
                continue;
            }
            SecretKey key;
            try {
                key = unwrap(row);
            } catch (GatewayException e) {
                // Left as it is, for the operator: what it sealed fails with the same code when read.
                log.error("Data key {} not re-wrapped: {}", row.keyId(), e.getMessage());
                continue;
            }
            WrappedKey wrapped = keks.wrap(row.keyId(), key);
            int updated = jdbc.sql("""
                    update payload_data_key set kek_id = :kek, wrapped = :wrapped, wrapped_at = :now
                    where key_id = :id and kek_id = :old""")
                    .param("kek", wrapped.kekId()).param("wrapped", wrapped.wrapped()).param("now", now())
                    .param("id", row.keyId()).param("old", row.kekId()).update();
            if (updated == 1) {
                done++;
                audit.record(AuditAction.DATA_KEY_REWRAPPED, row.keyId(), "data key " + row.keyId()
                        + " re-wrapped from KEK " + row.kekId() + " to KEK " + wrapped.kekId());
                log.info("Data key {} re-wrapped from KEK {} to KEK {}", row.keyId(), row.kekId(), wrapped.kekId());
            }
        }
        return done;
    }

    /** Names a data key without revealing it: {@code k-} and the first 8 bytes of SHA-256 over a label and the key. */
    public static String idOf(SecretKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("passerelle-data-key".getBytes(StandardCharsets.US_ASCII));
            return "k-" + java.util.HexFormat.of().formatHex(sha.digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void settleActive() {
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            Optional<Stored> row = jdbc.sql("select key_id, kek_id, wrapped, active from payload_data_key where active = 'Y'")
                    .query((rs, n) -> new Stored(rs.getString("key_id"), rs.getString("kek_id"), rs.getBytes("wrapped"),
                            true)).optional();
            if (row.isPresent()) {
                Stored stored = row.get();
                if (!keks.holds(stored.kekId())) {
                    throw new IllegalStateException("The active data key " + stored.keyId() + " is wrapped under KEK "
                            + stored.kekId() + ", which this node does not hold (it holds " + keks.kekIds() + "): it"
                            + " would seal what the other nodes of the party cannot open, or open nothing they sealed."
                            + " Configure the party's KEK under passerelle.keys (README, \"Payload keys\").");
                }
                SecretKey key = unwrap(stored);
                cache.put(stored.keyId(), key);
                active = new DataKey(stored.keyId(), key);
                return;
            }
            SecretKey fresh = generate();
            String id = idOf(fresh);
            if (insert(id, fresh, true, "GENERATED")) {
                cache.put(id, fresh);
                active = new DataKey(id, fresh);
                audit.record(AuditAction.DATA_KEY_CREATED, id, "data key " + id + " created, active, wrapped under KEK "
                        + keks.currentKekId());
                log.info("Data key {} created and made active, wrapped under KEK {}", id, keks.currentKekId());
                return;
            }
            // Another node made its key active first: use that one (next round).
        }
        throw new IllegalStateException("No active data key after " + START_ATTEMPTS + " attempts");
    }

    private void importLegacy(Path file) {
        SecretKey key = readLegacy(file);
        String id = idOf(key);
        if (find(id).isPresent()) {
            log.info("The data key {} of {} is already stored in the database: the file is no longer read and may be"
                    + " deleted (README, \"Payload keys\")", id, file);
            return;
        }
        boolean activeExists = jdbc.sql("select count(*) from payload_data_key where active = 'Y'").query(Long.class)
                .single() > 0;
        boolean stored = insert(id, key, !activeExists, "IMPORTED") || (!activeExists && insert(id, key, false, "IMPORTED"));
        if (!stored && find(id).isEmpty()) {
            throw new IllegalStateException("Could not store the data key " + id + " of " + file);
        }
        if (stored) {
            audit.record(AuditAction.DATA_KEY_IMPORTED, id, "data key " + id + " imported from this node's " + LEGACY_FILE
                    + ", wrapped under KEK " + keks.currentKekId());
        }
        log.warn("Imported the data key {} of {} into the database, wrapped under KEK {}: the file is no longer read"
                + " and may be deleted once a database backup holds the key (README, \"Payload keys\")", id, file,
                keks.currentKekId());
    }

    /** Inserts a wrapped key; false when the key id, or (for an active one) the active slot, is taken already. */
    private boolean insert(String id, SecretKey key, boolean makeActive, String origin) {
        WrappedKey wrapped = keks.wrap(id, key);
        try {
            jdbc.sql("""
                    insert into payload_data_key (key_id, kek_id, wrapped, active, origin, created_at, created_by, wrapped_at)
                    values (:id, :kek, :wrapped, :active, :origin, :now, :by, :now)""")
                    .param("id", id).param("kek", wrapped.kekId()).param("wrapped", wrapped.wrapped())
                    .param("active", makeActive ? "Y" : null).param("origin", origin).param("now", now())
                    .param("by", nodeId).update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    private SecretKey unwrap(Stored row) {
        SecretKey key = keks.unwrap(row.keyId(), row.kekId(), row.wrapped());
        if (!idOf(key).equals(row.keyId())) {
            throw Kek.unavailable("Data key " + row.keyId() + " unwrapped to another key", null);
        }
        return key;
    }

    private Optional<Stored> find(String keyId) {
        return jdbc.sql("select key_id, kek_id, wrapped, active from payload_data_key where key_id = :id")
                .param("id", keyId)
                .query((rs, n) -> new Stored(rs.getString("key_id"), rs.getString("kek_id"), rs.getBytes("wrapped"),
                        "Y".equals(rs.getString("active")))).optional();
    }

    private static SecretKey readLegacy(Path file) {
        try {
            byte[] raw = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (raw.length != 32) {
                throw new IllegalStateException("The data key in " + file + " is not a 256-bit AES key");
            }
            return new SecretKeySpec(raw, "AES");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the data key " + file, e);
        }
    }

    private static SecretKey generate() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private record Stored(String keyId, String kekId, byte[] wrapped, boolean active) {
    }
}
