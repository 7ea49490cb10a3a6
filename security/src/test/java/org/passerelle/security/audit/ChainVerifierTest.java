package org.passerelle.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.ChainBreak.Kind;
import org.passerelle.security.testing.TestPki;

/** Tampers with one thing at a time in a sealed chain and asserts the kind and the position of the first break. */
class ChainVerifierTest {

    private static final KeyMaterial GB = TestPki.shared().gateway("GB");
    private static final CheckpointSigner SIGNER = new CheckpointSigner(GB, "GB-1");
    /** GB's key after a rollover: another key pair certified by the same root CA. */
    private static final KeyMaterial NEXT = TestPki.shared().issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));

    private final List<AuditRecord> chain = Chains.chain(200);

    @Test
    void anUntouchedChainVerifiesAndCountsWhatFollowsTheLastCheckpoint() {
        ChainReport report = verify(chain, List.of(checkpointAt(50), checkpointAt(150)));

        assertThat(report.ok()).isTrue();
        assertThat(report.entries()).isEqualTo(200);
        assertThat(report.checkpoints()).isEqualTo(2);
        assertThat(report.lastCheckpoint().seq()).isEqualTo(150);
        assertThat(report.notCheckpointed()).isEqualTo(50);
    }

    @Test
    void aChangedFieldIsAlteredAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.set(119, Chains.withDetail(chain.get(119), "nothing happened"));

        assertBreak(verify(tampered, List.of()), 120, Kind.ALTERED);
    }

    @Test
    void aChangedAndReHashedEntryIsAlteredAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        AuditRecord changed = Chains.withDetail(chain.get(119), "nothing happened");
        tampered.set(119, ChainHash.seal(changed, 120, changed.prevHash()));

        assertBreak(verify(tampered, List.of()), 120, Kind.ALTERED);
    }

    @Test
    void aChangedPreviousHashFieldIsAlteredAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        AuditRecord e = chain.get(119);
        tampered.set(119, e.sealed(120, "f".repeat(64), e.hash()));

        assertBreak(verify(tampered, List.of()), 120, Kind.ALTERED);
    }

    @Test
    void anAlteredEntryAtTheVeryEndIsFoundAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.set(199, Chains.withDetail(chain.get(199), "x"));

        assertBreak(verify(tampered, List.of()), 200, Kind.ALTERED);
    }

    @Test
    void aDeletedEntryIsDeletedAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.remove(119);

        assertBreak(verify(tampered, List.of()), 120, Kind.DELETED);
    }

    @Test
    void aDeletedRunIsDeletedAtItsFirstSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.subList(119, 126).clear();

        assertBreak(verify(tampered, List.of()), 120, Kind.DELETED);
    }

    @Test
    void aDeletionHiddenByRenumberingIsDeletedAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain.subList(0, 119));
        chain.subList(120, 200).forEach(e -> tampered.add(e.withSeq(e.seq() - 1)));

        assertBreak(verify(tampered, List.of()), 120, Kind.DELETED);
    }

    @Test
    void aForgedEntryLinkedInWithLaterOnesRenumberedIsInsertedAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain.subList(0, 119));
        tampered.add(ChainHash.seal(Chains.unsealed(999), 120, chain.get(118).hash()));
        chain.subList(119, 200).forEach(e -> tampered.add(e.withSeq(e.seq() + 1)));

        assertBreak(verify(tampered, List.of()), 120, Kind.INSERTED);
    }

    @Test
    void aForgedEntryWithGarbageLinksIsInsertedAtItsSeq() {
        List<AuditRecord> tampered = new ArrayList<>(chain.subList(0, 119));
        tampered.add(Chains.unsealed(999).sealed(120, "e".repeat(64), "d".repeat(64)));
        chain.subList(119, 200).forEach(e -> tampered.add(e.withSeq(e.seq() + 1)));

        assertBreak(verify(tampered, List.of()), 120, Kind.INSERTED);
    }

    @Test
    void aDuplicateSeqIsInserted() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.add(120, ChainHash.seal(Chains.unsealed(999), 120, chain.get(118).hash()));

        assertBreak(verify(tampered, List.of()), 120, Kind.INSERTED);
    }

    @Test
    void swappedLinesAreReorderedAtTheFirstEntryOutOfPlace() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.set(119, chain.get(120));
        tampered.set(120, chain.get(119));

        assertBreak(verify(tampered, List.of()), 121, Kind.REORDERED);
    }

    @Test
    void swappedSequenceNumbersReadInSeqOrderAreReorderedAtTheFirstOfThem() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.set(119, chain.get(119).withSeq(121));
        tampered.set(120, chain.get(120).withSeq(120));
        tampered.sort(Comparator.comparingLong(AuditRecord::seq));

        assertBreak(verify(tampered, List.of()), 120, Kind.REORDERED);
    }

    @Test
    void anEntryMovedFarAheadIsReordered() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        AuditRecord moved = tampered.remove(119);
        tampered.add(150, moved);

        assertBreak(verify(tampered, List.of()), 121, Kind.REORDERED);
    }

    @Test
    void aCheckpointBeyondTheEndProvesTheTailWasCut() {
        ChainReport report = verify(chain.subList(0, 180), List.of(checkpointAt(100), checkpointAt(200)));

        assertBreak(report, 181, Kind.TRUNCATED);
    }

    @Test
    void aCheckpointWithAFlippedSignatureBitIsForged() {
        Checkpoint good = checkpointAt(100);
        byte[] signature = good.signature();
        signature[signature.length - 1] ^= 1;
        Checkpoint forged = new Checkpoint(good.seq(), good.headHash(), good.at(), good.nodeId(), good.algorithm(), signature);

        assertBreak(verify(chain, List.of(forged)), 100, Kind.CHECKPOINT_FORGED);
    }

    @Test
    void aCheckpointWhoseHeadHashWasChangedAfterSigningIsForged() {
        Checkpoint good = checkpointAt(100);
        Checkpoint forged = new Checkpoint(good.seq(), chain.get(120).hash(), good.at(), good.nodeId(),
                good.algorithm(), good.signature());

        assertBreak(verify(chain, List.of(forged)), 100, Kind.CHECKPOINT_FORGED);
    }

    @Test
    void aCheckpointSignedByAnotherKeyThatNamesItsOwnCertificateCannotBeVerified() {
        Checkpoint other = new CheckpointSigner(TestPki.shared().gateway("FR"), "GB-1")
                .sign(100, chain.get(99).hash(), Instant.now());

        assertBreak(verify(chain, List.of(other)), 100, Kind.CHECKPOINT_SIGNER_UNKNOWN);
    }

    @Test
    void aCheckpointNamingItsSignerByAnythingButASha256IsForged() {
        Checkpoint real = new CheckpointSigner(TestPki.shared().gateway("GB"), "GB-1").sign(100, chain.get(99).hash(), Instant.now());
        Checkpoint renamed = new Checkpoint(real.seq(), real.headHash(), real.at(), real.nodeId(), real.algorithm(),
                real.signature(), "0 entries OK\nall fine");

        assertBreak(verify(chain, List.of(renamed)), 100, Kind.CHECKPOINT_FORGED);
    }

    @Test
    void aCheckpointSignedByAnotherKeyThatNamesTheNodesCertificateIsForged() {
        Checkpoint other = new CheckpointSigner(TestPki.shared().gateway("FR"), "GB-1")
                .sign(100, chain.get(99).hash(), Instant.now());
        Checkpoint claimingTheNode = new Checkpoint(other.seq(), other.headHash(), other.at(), other.nodeId(),
                other.algorithm(), other.signature(),
                org.passerelle.security.Fingerprints.sha256(TestPki.shared().gateway("GB").certificate()));

        assertBreak(verify(chain, List.of(claimingTheNode)), 100, Kind.CHECKPOINT_FORGED);
    }

    @Test
    void checkpointsSignedBeforeAndAfterAKeyRolloverEachVerifyWithTheCertificateTheyRecord() {
        // given checkpoint 50 signed with the earlier key and checkpoint 150 with the current one
        Checkpoint before = checkpointAt(50);
        Checkpoint after = new CheckpointSigner(NEXT, "GB-1").sign(150, chain.get(149).hash(), Chains.START);

        // when the chain is verified with the current certificate and the earlier one
        ChainReport report = verify(chain, List.of(before, after), List.of(NEXT.certificate(), GB.certificate()));

        // then both hold, and the report says which certificate verified how many, current first
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(before.certificateSha256()).isEqualTo(Fingerprints.sha256(GB.certificate()));
        assertThat(report.lastCheckpoint().certificateSha256()).isEqualTo(Fingerprints.sha256(NEXT.certificate()));
        assertThat(report.verifiedBy()).containsExactly(Map.entry(Fingerprints.sha256(NEXT.certificate()), 1L),
                Map.entry(Fingerprints.sha256(GB.certificate()), 1L));
    }

    @Test
    void aCheckpointSignedWithACertificateNotGivenCannotBeVerifiedAndTheBreakNamesThatCertificate() {
        // given checkpoint 50 signed with the earlier key and checkpoint 150 with the current one
        Checkpoint before = checkpointAt(50);
        Checkpoint after = new CheckpointSigner(NEXT, "GB-1").sign(150, chain.get(149).hash(), Chains.START);

        // when only the current certificate is given
        ChainReport report = verify(chain, List.of(before, after), List.of(NEXT.certificate()));

        // then the earlier checkpoint is the first break, and the detail names the certificate to give
        assertBreak(report, 50, Kind.CHECKPOINT_SIGNER_UNKNOWN);
        assertThat(report.firstBreak().detail()).contains("cannot be verified")
                .contains(Fingerprints.sha256(GB.certificate()));
        assertThat(report.verifiedBy()).containsOnlyKeys(Fingerprints.sha256(NEXT.certificate()));
    }

    @Test
    void aCheckpointWhoseRecordedCertificateWasChangedToAnotherKnownOneIsForged() {
        // given a checkpoint signed with the earlier key that now claims the current certificate
        Checkpoint good = checkpointAt(100);
        Checkpoint relabelled = new Checkpoint(good.seq(), good.headHash(), good.at(), good.nodeId(), good.algorithm(),
                good.signature(), Fingerprints.sha256(NEXT.certificate()));

        // when verified with both certificates, then its signature does not verify with the one it names
        assertBreak(verify(chain, List.of(relabelled), List.of(NEXT.certificate(), GB.certificate())), 100,
                Kind.CHECKPOINT_FORGED);
    }

    @Test
    void aCheckpointThatRecordsNoCertificateVerifiesWithWhicheverGivenCertificateSignedIt() {
        // given a checkpoint as exported before the signing certificate was recorded
        Checkpoint good = checkpointAt(100);
        Checkpoint unrecorded = new Checkpoint(good.seq(), good.headHash(), good.at(), good.nodeId(), good.algorithm(),
                good.signature());

        // when verified with the current certificate and the earlier one
        ChainReport report = verify(chain, List.of(unrecorded), List.of(NEXT.certificate(), GB.certificate()));

        // then it holds, verified by the earlier certificate
        assertThat(report.ok()).isTrue();
        assertThat(report.verifiedBy()).containsExactly(Map.entry(Fingerprints.sha256(GB.certificate()), 1L));
    }

    @Test
    void aChainRewrittenWithValidHashesIsCaughtByTheCheckpoint() {
        Checkpoint signed = checkpointAt(100);
        List<AuditRecord> rewritten = new ArrayList<>(chain.subList(0, 89));
        String prev = chain.get(88).hash();
        for (AuditRecord e : chain.subList(89, 200)) {
            AuditRecord changed = e.seq() == 90 ? Chains.withDetail(e, "rewritten") : e;
            AuditRecord sealed = ChainHash.seal(changed, e.seq(), prev);
            rewritten.add(sealed);
            prev = sealed.hash();
        }

        assertThat(verify(rewritten, List.of()).ok()).isTrue();
        assertBreak(verify(rewritten, List.of(signed)), 100, Kind.CHECKPOINT_MISMATCH);
    }

    @Test
    void theFirstBreakByPositionIsReported() {
        List<AuditRecord> tampered = new ArrayList<>(chain);
        tampered.set(29, Chains.withDetail(chain.get(29), "x"));
        Checkpoint good = checkpointAt(150);
        Checkpoint forged = new Checkpoint(151, good.headHash(), good.at(), good.nodeId(), good.algorithm(),
                good.signature());

        assertBreak(verify(tampered, List.of(forged)), 30, Kind.ALTERED);
    }

    @Test
    void aRangeVerifiesFromItsFirstEntryAnchoredByTheCheckpointBeforeIt() {
        List<AuditRecord> range = chain.subList(100, 160);
        ChainVerifier verifier = ChainVerifier.fromSeq(101, GB.certificate());
        verifier.checkpoint(checkpointAt(100));
        verifier.checkpoint(checkpointAt(150));
        range.forEach(verifier::entry);

        ChainReport report = verifier.finish();

        assertThat(report.ok()).isTrue();
        assertThat(report.lastCheckpoint().seq()).isEqualTo(150);
        assertThat(report.notCheckpointed()).isEqualTo(10);
    }

    @Test
    void aRangeWhoseFirstEntryNamesAnotherPredecessorThanTheCheckpointIsCaught() {
        List<AuditRecord> range = new ArrayList<>();
        String prev = "c".repeat(64);
        for (AuditRecord e : chain.subList(100, 160)) {
            AuditRecord sealed = ChainHash.seal(e, e.seq(), prev);
            range.add(sealed);
            prev = sealed.hash();
        }
        ChainVerifier verifier = ChainVerifier.fromSeq(101, GB.certificate());
        verifier.checkpoint(checkpointAt(100));
        range.forEach(verifier::entry);

        assertBreak(verifier.finish(), 100, Kind.CHECKPOINT_MISMATCH);
    }

    @Test
    void aRangeMissingItsFirstEntryIsDeleted() {
        ChainVerifier verifier = ChainVerifier.fromSeq(101, GB.certificate());
        chain.subList(101, 160).forEach(verifier::entry);

        assertBreak(verifier.finish(), 101, Kind.DELETED);
    }

    @Test
    void anRsaKeySignsCheckpointsWithPss() {
        KeyMaterial rsa = TestPki.shared().gatewayRsa("GB");
        Checkpoint c = new CheckpointSigner(rsa, "GB-1").sign(7, chain.get(6).hash(), Instant.now());

        assertThat(c.algorithm()).isEqualTo("RSASSA-PSS");
        assertThat(c.verify(rsa.certificate())).isTrue();
        assertThat(c.verify(GB.certificate())).isFalse();
    }

    private Checkpoint checkpointAt(long seq) {
        return SIGNER.sign(seq, chain.get((int) seq - 1).hash(), Chains.START.plusSeconds(seq));
    }

    @Test
    void entriesDeletedFromTheEndWithTheHeadLeftAsItWasAreFoundAtTheFirstMissing() {
        // given the chain's head records seq 200, and the last 20 entries are gone
        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(GB.certificate()));
        chain.subList(0, 180).forEach(verifier::entry);

        // then
        assertBreak(verifier.finish(200, chain.get(199).hash()), 181, Kind.TRUNCATED);
    }

    @Test
    void aHeadWhoseHashIsNotTheLastEntrysIsFoundThere() {
        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(GB.certificate()));
        chain.forEach(verifier::entry);

        assertBreak(verifier.finish(200, chain.get(198).hash()), 200, Kind.ALTERED);
    }

    @Test
    void aChainThatEndsAtItsHeadHolds() {
        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(GB.certificate()));
        chain.forEach(verifier::entry);

        assertThat(verifier.finish(200, chain.get(199).hash()).ok()).isTrue();
    }

    private static ChainReport verify(List<AuditRecord> entries, List<Checkpoint> checkpoints) {
        return verify(entries, checkpoints, List.of(GB.certificate()));
    }

    private static ChainReport verify(List<AuditRecord> entries, List<Checkpoint> checkpoints,
                                      List<X509Certificate> signers) {
        ChainVerifier verifier = ChainVerifier.fromGenesis(signers);
        checkpoints.forEach(verifier::checkpoint);
        entries.forEach(verifier::entry);
        return verifier.finish();
    }

    private static void assertBreak(ChainReport report, long seq, Kind kind) {
        assertThat(report.firstBreak()).as("first break").isNotNull();
        assertThat(report.firstBreak().kind()).as(report.firstBreak().detail()).isEqualTo(kind);
        assertThat(report.firstBreak().seq()).as(report.firstBreak().detail()).isEqualTo(seq);
        assertThat(report.ok()).isFalse();
    }
}
