-- Envelope encryption of the data keys (issue: nodes of one party that share only the database open each other's
-- payloads). The AES-256 data keys that seal message_payload.ciphertext and gallery_entry.templates (whose key_id
-- columns name them, unchanged) are stored here, each wrapped (AES-256-GCM, its key id as associated data) under the
-- party's key-encryption key (KEK), which lives in a key store or an HSM on every node of the party and never here.
-- Rotating the KEK re-wraps these rows in place; no payload is re-encrypted.
create table payload_data_key (
    key_id      varchar(24)  not null primary key,  -- k- and 16 hex: SHA-256 over a label and the key, as before
    kek_id      varchar(24)  not null,              -- kek- and 16 hex: the KEK's check value
    wrapped     bytea        not null,              -- 12-byte IV, then the GCM ciphertext and tag of the key
    active      char(1)      unique check (active = 'Y'),   -- 'Y' on the one key new seals use, null on the others:
                                                            -- two nodes starting at once cannot both make one active
    origin      varchar(16)  not null,              -- GENERATED, or IMPORTED from an older node's payload-data.key
    created_at  timestamp with time zone not null,
    created_by  varchar(100) not null,              -- the node id
    wrapped_at  timestamp with time zone not null   -- when last (re-)wrapped
);
