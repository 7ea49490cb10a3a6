package org.passerelle.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    @Test
    void nullAndEmptyFieldsHashDifferently() {
        AuditRecord withNull = Chains.unsealed(1);
        AuditRecord withEmpty = new AuditRecord(0, withNull.at(), withNull.actor(), withNull.role(), withNull.channel(),
                withNull.action(), withNull.resource(), "", withNull.caseReference(), withNull.outcome(),
                withNull.partner(), withNull.messageId(), withNull.messageType(), withNull.code(), withNull.detail(),
                withNull.payloadSha256(), null, null);

        assertThat(withNull.purpose()).isNull();
        assertThat(ChainHash.hash(ChainHash.GENESIS, withNull)).isNotEqualTo(ChainHash.hash(ChainHash.GENESIS, withEmpty));
    }

    @Test
    void textMovedAcrossAFieldBoundaryChangesTheHash() {
        AuditRecord e = Chains.unsealed(1);
        AuditRecord a = new AuditRecord(1, e.at(), "ab", "c", e.channel(), e.action(), null, null, null, "OK", null,
                null, null, null, null, null, null, null);
        AuditRecord b = new AuditRecord(1, e.at(), "a", "bc", e.channel(), e.action(), null, null, null, "OK", null,
                null, null, null, null, null, null, null);

        assertThat(ChainHash.hash(ChainHash.GENESIS, a)).isNotEqualTo(ChainHash.hash(ChainHash.GENESIS, b));
    }

    @Test
    void theSequenceNumberAndThePreviousHashAreCovered() {
        AuditRecord sealed = ChainHash.seal(Chains.unsealed(1), 1, ChainHash.GENESIS);

        assertThat(ChainHash.hash(ChainHash.GENESIS, sealed.withSeq(2))).isNotEqualTo(sealed.hash());
        assertThat(ChainHash.hash("1" + ChainHash.GENESIS.substring(1), sealed)).isNotEqualTo(sealed.hash());
        assertThat(ChainHash.hash(ChainHash.GENESIS, sealed)).isEqualTo(sealed.hash());
    }

    @Test
    void timeIsHeldToTheMicrosecondSoAStoredRowHashesAsItWasSealed() {
        AuditRecord nanos = Chains.unsealed(1);
        AuditRecord micros = new AuditRecord(0, Instant.parse("2026-03-01T09:00:00.133456Z"), nanos.actor(),
                nanos.role(), nanos.channel(), nanos.action(), nanos.resource(), nanos.purpose(), nanos.caseReference(),
                nanos.outcome(), nanos.partner(), nanos.messageId(), nanos.messageType(), nanos.code(), nanos.detail(),
                nanos.payloadSha256(), null, null);

        assertThat(nanos.at().getNano() % 1000).isZero();
        assertThat(nanos.at()).isEqualTo(micros.at());
        assertThat(ChainHash.hash(ChainHash.GENESIS, nanos)).isEqualTo(ChainHash.hash(ChainHash.GENESIS, micros));
    }
}
