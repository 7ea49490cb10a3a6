package org.passerelle.security.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds sealed chains for tests. */
final class Chains {

    static final Instant START = Instant.parse("2026-03-01T09:00:00.123456789Z");

    private Chains() {
    }

    static AuditRecord unsealed(int i) {
        return new AuditRecord(0, START.plusMillis(i * 10L), "actor-" + i, i % 3 == 0 ? null : "SYSTEM", "API",
                "MESSAGE_ACCEPTED", "records", null, i % 2 == 0 ? "CASE-" + i : null, "OK", "FR",
                "msg-" + i, "ReturnRequest", null, "detail " + i, "ab".repeat(32), null, null);
    }

    /** A chain of n entries, seq 1..n, sealed from genesis. */
    static List<AuditRecord> chain(int n) {
        List<AuditRecord> chain = new ArrayList<>(n);
        String prev = ChainHash.GENESIS;
        for (int i = 1; i <= n; i++) {
            AuditRecord sealed = ChainHash.seal(unsealed(i), i, prev);
            chain.add(sealed);
            prev = sealed.hash();
        }
        return chain;
    }

    static AuditRecord withDetail(AuditRecord e, String detail) {
        return new AuditRecord(e.seq(), e.at(), e.actor(), e.role(), e.channel(), e.action(), e.resource(), e.purpose(),
                e.caseReference(), e.outcome(), e.partner(), e.messageId(), e.messageType(), e.code(), detail,
                e.payloadSha256(), e.prevHash(), e.hash());
    }
}
