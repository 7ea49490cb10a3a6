package org.passerelle.tests.nap;

import com.machinezoo.sourceafis.FingerprintImageOptions;
import com.machinezoo.sourceafis.FingerprintTemplate;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;

/**
 * Enrols subjects from ANSI/NIST-ITL transactions and searches them with SourceAFIS, scoring each enrolled subject by
 * the best comparison of any searched image with any of its fingers.
 *
 * <p>Every decodable fingerprint image (WSQ or uncompressed) is used, rolled, plain or slap alike: SourceAFIS matches a
 * single finger against a slap that contains it (about 70–140 on the reference files), and the same finger across
 * captures far higher (above 1,000). Templates are extracted once and kept in a bounded cache shared by every matcher,
 * keyed by the image's content, because extraction (about half a second an image) costs far more than comparison.
 *
 * <p>Thread-safe: enrolment replaces a subject atomically and searches see whole subjects only. Nothing here logs;
 * templates and pixels never leave this class.
 */
public final class FingerprintMatcher {

    /** SourceAFIS's own threshold: a score of 40 means a false match rate of about 0.01 %. */
    public static final double DEFAULT_THRESHOLD = 40;
    /** How many extracted templates the shared cache keeps: a tenprint card holds 14 images. */
    private static final int TEMPLATE_CACHE_SIZE = 128;
    private static final Map<String, FingerprintTemplate> TEMPLATES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FingerprintTemplate> eldest) {
            return size() > TEMPLATE_CACHE_SIZE;
        }
    };

    private final double threshold;
    private final NistTransactionCheck transactions = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);
    private final Map<String, Subject> subjects = new ConcurrentHashMap<>();

    /** A matcher with SourceAFIS's usual threshold, {@value #DEFAULT_THRESHOLD}. */
    public FingerprintMatcher() {
        this(DEFAULT_THRESHOLD);
    }

    /** @param threshold the lowest score a search reports as a candidate */
    public FingerprintMatcher(double threshold) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("threshold must be zero or more");
        }
        this.threshold = threshold;
    }

    public double threshold() {
        return threshold;
    }

    /**
     * Enrols (or re-enrols) a subject with every decodable finger of the transaction.
     *
     * @return how many finger images were enrolled
     * @throws org.passerelle.contracts.ContractViolationException {@code BIO_TRANSACTION_MALFORMED} when the
     *         transaction cannot be read
     * @throws IllegalArgumentException when it holds no fingerprint image this matcher can use
     */
    public int enrol(String subjectReference, byte[] nistTransaction, EnrolmentFacts facts) {
        return enrolImages(subjectReference, transactions.images(nistTransaction), facts);
    }

    /** Enrols (or re-enrols) a subject with fingerprint images already decoded, e.g. a bare WSQ image. */
    public int enrolImages(String subjectReference, List<FingerprintImage> images, EnrolmentFacts facts) {
        Objects.requireNonNull(subjectReference, "subjectReference");
        Objects.requireNonNull(facts, "facts");
        List<FingerprintTemplate> templates = templates(images);
        subjects.put(subjectReference, new Subject(subjectReference, facts, templates));
        return templates.size();
    }

    /** Removes a subject; true when it was enrolled. */
    public boolean remove(String subjectReference) {
        return subjects.remove(subjectReference) != null;
    }

    /** How many subjects are enrolled. */
    public int enrolledCount() {
        return subjects.size();
    }

    /**
     * The subjects whose best score against the transaction's fingers reaches the threshold, best first, at most
     * {@code maxCandidates}.
     *
     * @throws org.passerelle.contracts.ContractViolationException {@code BIO_TRANSACTION_MALFORMED} when the
     *         transaction cannot be read
     * @throws IllegalArgumentException when it holds no fingerprint image this matcher can use
     */
    public List<Candidate> search(byte[] nistTransaction, int maxCandidates) {
        return searchImages(transactions.images(nistTransaction), maxCandidates);
    }

    /** As {@link #search}, for fingerprint images already decoded. */
    public List<Candidate> searchImages(List<FingerprintImage> images, int maxCandidates) {
        if (maxCandidates < 0) {
            throw new IllegalArgumentException("maxCandidates must be zero or more");
        }
        return rankImages(images).stream()
                .filter(candidate -> candidate.score() >= threshold)
                .limit(maxCandidates)
                .toList();
    }

    /** Every enrolled subject with its best score against these images, best first, whatever the threshold. */
    public List<Candidate> rankImages(List<FingerprintImage> images) {
        List<FingerprintTemplate> probes = templates(images);
        List<Subject> enrolled = List.copyOf(subjects.values());
        double[] best = new double[enrolled.size()];
        for (FingerprintTemplate probe : probes) {
            com.machinezoo.sourceafis.FingerprintMatcher matcher = new com.machinezoo.sourceafis.FingerprintMatcher(probe);
            for (int i = 0; i < enrolled.size(); i++) {
                for (FingerprintTemplate candidate : enrolled.get(i).templates()) {
                    best[i] = Math.max(best[i], matcher.match(candidate));
                }
            }
        }
        List<Candidate> ranked = new ArrayList<>(enrolled.size());
        for (int i = 0; i < enrolled.size(); i++) {
            Subject subject = enrolled.get(i);
            ranked.add(new Candidate(subject.reference(), best[i], subject.facts()));
        }
        ranked.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::subjectReference));
        return List.copyOf(ranked);
    }

    private static List<FingerprintTemplate> templates(List<FingerprintImage> images) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no fingerprint image this matcher can use (WSQ or uncompressed)");
        }
        // Extraction dominates; images of one transaction are independent, so they are extracted side by side.
        return images.parallelStream().map(FingerprintMatcher::template).toList();
    }

    private static FingerprintTemplate template(FingerprintImage image) {
        byte[] pixels = image.pixels();
        String key = key(image, pixels);
        synchronized (TEMPLATES) {
            FingerprintTemplate cached = TEMPLATES.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // Extracted outside the lock: two threads may extract the same image at once, and both get an equal template.
        FingerprintTemplate extracted = new FingerprintTemplate(new com.machinezoo.sourceafis.FingerprintImage(
                image.width(), image.height(), pixels, new FingerprintImageOptions().dpi(image.resolutionPpi())));
        synchronized (TEMPLATES) {
            TEMPLATES.putIfAbsent(key, extracted);
        }
        return extracted;
    }

    /** The image's identity for the cache: the SHA-256 of its size, resolution and pixels. */
    private static String key(FingerprintImage image, byte[] pixels) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(ByteBuffer.allocate(12).putInt(image.width()).putInt(image.height())
                    .putInt(image.resolutionPpi()).array());
            return HexFormat.of().formatHex(sha256.digest(pixels));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * One enrolled subject a search found.
     *
     * @param subjectReference the reference it was enrolled under
     * @param score            its best SourceAFIS score against the searched images (higher is more similar)
     * @param facts            the registration facts a hit on it reports
     */
    public record Candidate(String subjectReference, double score, EnrolmentFacts facts) {
    }

    private record Subject(String reference, EnrolmentFacts facts, List<FingerprintTemplate> templates) {
    }
}
