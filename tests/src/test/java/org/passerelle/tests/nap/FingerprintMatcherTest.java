package org.passerelle.tests.nap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.jnbis.api.Jnbis;
import org.jnbis.api.model.Bitmap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometric.v1.EurodacCategory;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.tests.nap.FingerprintMatcher.Candidate;

/** The matcher on NIST's reference transactions: one person's tenprint card and slaps, and another person's print. */
class FingerprintMatcherTest {

    static final EnrolmentFacts LAMPEDUSA = new EnrolmentFacts(
            "IT", EurodacCategory.CATEGORY_2, LocalDate.of(2025, 9, 14), "Lampedusa", "IT20250914003317");
    static final EnrolmentFacts CALAIS = new EnrolmentFacts(
            "FR", EurodacCategory.CATEGORY_1, LocalDate.of(2025, 11, 3), "Calais", "FR20251103000958");

    private static FingerprintMatcher matcher;

    @BeforeAll
    static void enrolTheTenprintCard() {
        matcher = new FingerprintMatcher();
        long start = System.nanoTime();
        int fingers = matcher.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);
        System.out.printf("enrolled type-4-tpcard.an2: %d images in %d ms%n", fingers, millisSince(start));
        assertThat(fingers).isEqualTo(14);
    }

    @Test
    void slapsOfTheSamePersonHitTheEnrolledTenprintCard() {
        long start = System.nanoTime();
        List<Candidate> candidates = matcher.search(SampleMessages.biometricSample("type-4-14-slaps.an2"), 10);
        System.out.printf("slaps search: %s in %d ms%n", scores(candidates), millisSince(start));

        assertThat(candidates).hasSize(1);
        assertThat(candidates.getFirst().subjectReference()).isEqualTo("subject-A");
        assertThat(candidates.getFirst().score()).isGreaterThanOrEqualTo(FingerprintMatcher.DEFAULT_THRESHOLD);
        assertThat(candidates.getFirst().facts()).isEqualTo(LAMPEDUSA);
    }

    @Test
    void theSameCardAsType14RecordsHitsWithAHighScore() {
        long start = System.nanoTime();
        List<Candidate> candidates = matcher.search(SampleMessages.biometricSample("type-14-tpcard-nqm.an2"), 10);
        System.out.printf("type-14 card search: %s in %d ms%n", scores(candidates), millisSince(start));

        assertThat(candidates).extracting(Candidate::subjectReference).containsExactly("subject-A");
        assertThat(candidates.getFirst().score()).isGreaterThan(1_000);
    }

    @Test
    void aPrintOfAnotherPersonIsNoHit() {
        List<FingerprintImage> otherPerson = List.of(sampleWsq());

        long start = System.nanoTime();
        List<Candidate> ranked = matcher.rankImages(otherPerson);
        System.out.printf("sample.wsq against the card: %s in %d ms%n", scores(ranked), millisSince(start));

        assertThat(ranked).singleElement().satisfies(c -> assertThat(c.score()).isLessThan(10));
        assertThat(matcher.searchImages(otherPerson, 10)).isEmpty();
    }

    @Test
    void slapsHitACardEnrolledWithItsRolledFingersOnly() {
        FingerprintMatcher rolledOnly = new FingerprintMatcher();
        rolledOnly.enrolImages("subject-A", images(SampleMessages.biometricSample("type-4-tpcard.an2")).stream()
                .filter(image -> image.position() <= 10).toList(), LAMPEDUSA);

        List<Candidate> candidates = rolledOnly.search(SampleMessages.biometricSample("type-4-14-slaps.an2"), 10);
        System.out.printf("slaps against the rolled fingers only: %s%n", scores(candidates));

        assertThat(candidates).singleElement().satisfies(c -> {
            assertThat(c.subjectReference()).isEqualTo("subject-A");
            assertThat(c.score()).isBetween(FingerprintMatcher.DEFAULT_THRESHOLD, 1_000.0);
        });
    }

    @Test
    void candidatesComeBestFirstAndNoMoreThanAsked() {
        FingerprintMatcher two = new FingerprintMatcher();
        two.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);
        two.enrolImages("subject-B", List.of(sampleWsq()), CALAIS);
        two.enrol("subject-A-again", SampleMessages.biometricSample("type-14-tpcard-nqm.an2"), CALAIS);
        byte[] slaps = SampleMessages.biometricSample("type-4-14-slaps.an2");

        List<Candidate> all = two.search(slaps, 10);
        System.out.printf("slaps against A, A again and B: %s%n", scores(two.rankImages(images(slaps))));

        assertThat(all).extracting(Candidate::subjectReference)
                .containsExactlyInAnyOrder("subject-A", "subject-A-again");
        assertThat(all.get(0).score()).isGreaterThanOrEqualTo(all.get(1).score());
        assertThat(two.search(slaps, 1)).containsExactly(all.getFirst());
        assertThat(two.search(slaps, 0)).isEmpty();
    }

    @Test
    void aScoreUnderTheConfiguredThresholdIsNoCandidate() {
        FingerprintMatcher strict = new FingerprintMatcher(100_000);
        strict.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);
        byte[] slaps = SampleMessages.biometricSample("type-4-14-slaps.an2");

        assertThat(strict.search(slaps, 10)).isEmpty();
        assertThat(strict.rankImages(images(slaps))).singleElement()
                .satisfies(c -> assertThat(c.score()).isGreaterThanOrEqualTo(FingerprintMatcher.DEFAULT_THRESHOLD));
    }

    @Test
    void aRemovedSubjectIsNoLongerFound() {
        FingerprintMatcher one = new FingerprintMatcher();
        one.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);

        assertThat(one.remove("subject-A")).isTrue();

        assertThat(one.enrolledCount()).isZero();
        assertThat(one.search(SampleMessages.biometricSample("type-4-14-slaps.an2"), 10)).isEmpty();
    }

    @Test
    void refusesATransactionItCannotRead() {
        assertThatThrownBy(() -> matcher.search("not a transaction".getBytes(StandardCharsets.US_ASCII), 10))
                .isInstanceOfSatisfying(ContractViolationException.class,
                        e -> assertThat(e.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED));
    }

    @Test
    void refusesASearchWithoutAnyFingerprintImage() {
        assertThatThrownBy(() -> matcher.searchImages(List.of(), 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enrolmentFactsMustHaveTheContractsForms() {
        assertThatThrownBy(() -> new EnrolmentFacts("ITA", EurodacCategory.CATEGORY_1, LocalDate.of(2025, 1, 1),
                "Lampedusa", "IT20250914003317")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EnrolmentFacts("IT", EurodacCategory.CATEGORY_1, LocalDate.of(2025, 1, 1),
                "Lampedusa", "IT123")).isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code sample.wsq}, a bare WSQ image of another person, decoded as the matcher takes it. */
    static FingerprintImage sampleWsq() {
        Bitmap bitmap = Jnbis.wsq().decode(SampleMessages.biometricSample("sample.wsq")).asBitmap();
        int ppi = bitmap.getPpi() > 0 ? bitmap.getPpi() : 500;
        return new FingerprintImage(14, 0, bitmap.getWidth(), bitmap.getHeight(), ppi, bitmap.getPixels());
    }

    private static List<FingerprintImage> images(byte[] transaction) {
        return new org.passerelle.contracts.biometrics.NistTransactionCheck(12 * 1024 * 1024).images(transaction);
    }

    private static String scores(List<Candidate> candidates) {
        return candidates.stream()
                .map(c -> c.subjectReference() + "=" + String.format(java.util.Locale.ROOT, "%.1f", c.score()))
                .toList().toString();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
