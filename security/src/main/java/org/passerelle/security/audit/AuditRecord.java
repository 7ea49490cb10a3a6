package org.passerelle.security.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One sealed entry of the audit chain, with every field its hash covers, the previous entry's hash and its own.
 * Hashes are lowercase hex SHA-256; the time is held to the microsecond (what PostgreSQL stores), so that a row read
 * back from the database hashes as it did when it was sealed.
 *
 * @param seq           the entry's position in the chain, from 1
 * @param at            when it happened, truncated to microseconds
 * @param prevHash      the previous entry's hash (64 zero hex digits for the first entry)
 * @param hash          {@code SHA-256(prevHash || canonical(entry))}, see {@link ChainHash}
 */
public record AuditRecord(long seq, Instant at, String actor, String role, String channel, String action,
                          String resource, String purpose, String caseReference, String outcome, String partner,
                          String messageId, String messageType, String code, String detail, String payloadSha256,
                          String prevHash, String hash) {

    public AuditRecord {
        Objects.requireNonNull(at, "at");
        at = at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The same entry with its hash links replaced (what a sealer does once it knows the chain head). */
    public AuditRecord sealed(long newSeq, String newPrevHash, String newHash) {
        return new AuditRecord(newSeq, at, actor, role, channel, action, resource, purpose, caseReference, outcome,
                partner, messageId, messageType, code, detail, payloadSha256, newPrevHash, newHash);
    }

    /** The same entry at another sequence number, links unchanged (for tests and for the renumbering check). */
    public AuditRecord withSeq(long newSeq) {
        return sealed(newSeq, prevHash, hash);
    }
}
