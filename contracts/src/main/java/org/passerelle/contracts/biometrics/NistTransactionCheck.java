package org.passerelle.contracts.biometrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.jnbis.api.Jnbis;
import org.jnbis.api.model.Bitmap;
import org.jnbis.api.model.Nist;
import org.jnbis.api.model.record.FacialAndSmtImage;
import org.jnbis.api.model.record.HighResolutionGrayscaleFingerprint;
import org.jnbis.api.model.record.TransactionInformation;
import org.jnbis.api.model.record.VariableResolutionFingerprint;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.Violation;

/**
 * Parses the ANSI/NIST-ITL transaction (traditional encoding) a message carries, checks the structure of every WSQ
 * image in it, and refuses a transaction that is malformed or contradicts what the message body states about it.
 *
 * <p><b>What is checked without pixels.</b> {@link #read}, {@link #check} and {@link #describe} (the codec's check of
 * every message, at intake and at the inbox) decode no image. For each WSQ image they walk every marker of its
 * codestream as {@link WsqFrame} describes: start and end markers, exactly one frame header, one to three blocks, the
 * tables every block needs before it, segment lengths that stay inside the image and agree with what the segments
 * hold, stuffed bytes and the markers that end each block's entropy-coded data, nothing after the end. The frame
 * header's width and height must be the record's, and they count against the size limits below. An uncompressed
 * image must be exactly width × height × bits per pixel long.
 *
 * <p><b>What is not.</b> Whether a WSQ image's entropy-coded data decode: a Huffman code missing from its table, too
 * many or too few coefficients, or data altered in a way that keeps the framing (WSQ has no checksum, so such
 * an image may also decode, to other pixels) pass these three methods. Such an image is found only where pixels are
 * decoded, by {@link #images}, which the gallery and the matcher use: there it is refused as malformed. Images in
 * JPEG, JPEG 2000 or PNG are neither walked nor decoded; their records' fields are checked as for any image.
 *
 * <p>Rules, beyond reading the fields:
 * <ul>
 *   <li><b>Resolution.</b> Type-4 ISR 0 is the minimum scanning resolution, 19.69 pixels per millimetre, stated as
 *       500 ppi; ISR 1 is the Type-1 native scanning resolution (NSR) converted to ppi. Type-14 uses its scale units
 *       (1 = inch, 2 = centimetre) and horizontal pixel scale; scale units 0 (no resolution) is malformed. A declared
 *       resolution agrees when it is within 1 % of the exact resolution found (197 px/cm is 500.38 ppi).</li>
 *   <li><b>Quality.</b> Only Type-14 states quality. FQM (14.024, 0–100) is taken as it stands; NQM (14.022, NFIQ 1
 *       best to 5 worst) maps to 120 − 20 × NFIQ (1 → 100, 2 → 80, 3 → 60, 4 → 40, 5 → 20) and a declared quality
 *       agrees when it falls in that NFIQ's band (1: 81–100, 2: 61–80, 3: 41–60, 4: 21–40, 5: 0–20). FQM wins
 *       when both are present. A record holding several fingers (a slap) takes its worst finger. Scores 254 (not
 *       computed) and 255 (failed) count as not stated. Where the transaction states no quality, a quality stated
 *       by the body is not a contradiction: there is nothing to contradict, and {@link TransactionFacts} then shows
 *       the quality as null, so a policy that needs a proven quality can see that it has none.</li>
 *   <li><b>Limits.</b> Input longer than the limit is refused before parsing; every record length is checked against
 *       the input before jnbis allocates for it; a WSQ image may hold at most {@value #MAX_IMAGE_PIXELS} pixels and
 *       a transaction {@value #MAX_TRANSACTION_PIXELS} in all, read from the WSQ frame headers, so that every
 *       transaction {@link #read} accepts is one {@link #images} may decode.</li>
 *   <li><b>Records.</b> Fingerprints travel as Type-4 or Type-14; a legacy or latent friction-ridge record (Type-3,
 *       5, 6, 13 or 15) is refused as malformed, because no body can declare it.</li>
 * </ul>
 *
 * <p>Instances are immutable and safe to share between threads. No message this class writes holds image bytes; the
 * cause attached to a malformed refusal comes from the parser and is for diagnosis, not for display.
 */
public final class NistTransactionCheck {

    /** Largest WSQ image accepted: a 500 ppi two-thumb or four-finger slap is about 1,600 × 1,500 pixels. */
    static final int MAX_IMAGE_PIXELS = 10_000_000;
    /** Largest total of WSQ pixels accepted in one transaction: a tenprint card holds about 10 million. */
    static final int MAX_TRANSACTION_PIXELS = 60_000_000;
    /** The minimum scanning resolution of ANSI/NIST-ITL, 19.69 pixels per millimetre, is called 500 ppi. */
    private static final int MINIMUM_SCANNING_PPI = 500;
    private static final double RESOLUTION_TOLERANCE = 0.01;
    private static final double MM_PER_INCH = 25.4;
    private static final double CM_PER_INCH = 2.54;
    private static final Set<Integer> UNSUPPORTED_FRICTION_RIDGE_TYPES = Set.of(3, 5, 6, 13, 15);
    /** FS, which closes every tagged record. */
    private static final byte RECORD_SEPARATOR = 0x1C;

    /** Guards jnbis' record parser, which is not thread-safe (see {@link #decodeRecords}). */
    private static final ReentrantLock RECORD_PARSER = new ReentrantLock();

    private final int maxTransactionBytes;

    /** @param maxTransactionBytes the largest transaction accepted; larger input is refused before parsing */
    public NistTransactionCheck(int maxTransactionBytes) {
        if (maxTransactionBytes <= 0) {
            throw new IllegalArgumentException("maxTransactionBytes must be positive");
        }
        this.maxTransactionBytes = maxTransactionBytes;
    }

    /**
     * Parses the transaction and walks the structure of its WSQ images without decoding them; refuses with
     * {@code BIO_TRANSACTION_MALFORMED} on any failure.
     */
    public TransactionFacts read(byte[] transaction) {
        return parse(transaction, false).facts();
    }

    /**
     * Reads the transaction and compares it with what the body declares; refuses with {@code BIO_TRANSACTION_MISMATCH}
     * listing every contradiction.
     */
    public TransactionFacts check(byte[] transaction, DeclaredBiometrics declared) {
        Objects.requireNonNull(declared, "declared");
        TransactionRead read = parse(transaction, false);
        List<Violation> violations = compare(read, declared);
        if (!violations.isEmpty()) {
            throw new ContractViolationException(ContractErrorCode.BIO_TRANSACTION_MISMATCH, violations, null);
        }
        return read.facts();
    }

    /** The declaration a message body must state for this transaction, for building valid messages from real files. */
    public DeclaredBiometrics describe(byte[] transaction) {
        return read(transaction).asDeclared();
    }

    /**
     * Every WSQ-compressed or uncompressed 8-bit fingerprint image of the transaction, decoded, in record order. Images in
     * JPEG, JPEG 2000 or PNG are left out: the JDK cannot decode lossless JPEG or JPEG 2000, and a matcher fed by this
     * gateway expects WSQ at 500 ppi. Checks all that {@link #read} checks, and refuses with
     * {@code BIO_TRANSACTION_MALFORMED} a WSQ image that does not decode, or decodes to another size than its header's.
     */
    public List<FingerprintImage> images(byte[] transaction) {
        return parse(transaction, true).images();
    }

    private TransactionRead parse(byte[] transaction, boolean keepImages) {
        if (transaction == null || transaction.length == 0) {
            throw malformed("the transaction is empty", null);
        }
        if (transaction.length > maxTransactionBytes) {
            throw malformed("the transaction is " + transaction.length + " bytes, more than the limit of "
                    + maxTransactionBytes, null);
        }
        try {
            return new Reader(transaction, keepImages).read();
        } catch (NistFraming.Malformed e) {
            throw malformed(e.getMessage(), null);
        } catch (ContractViolationException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // jnbis reports bad input with whatever exception its code happens to hit (index, number format, null,
            // negative size, wrapped charset errors); none is meaningful on its own, so each becomes one stable code.
            // OutOfMemoryError is deliberately not caught: the framing guards bound every allocation, so running out
            // of memory is the node's condition, not the message's, and must not become a permanent refusal.
            throw malformed("the transaction cannot be parsed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * jnbis 2.1.2 reads the records' text fields with one {@code CharsetDecoder} shared by every caller, so two
     * transactions parsed at once can fail with an {@code IllegalStateException} that would be reported as a malformed
     * transaction: a valid message refused for good because another arrived at the same time. Parsing the records is
     * cheap (the WSQ images are walked, or decoded, afterwards, outside the lock), so it is done one transaction at a
     * time.
     */
    private static Nist decodeRecords(byte[] bytes) {
        RECORD_PARSER.lock();
        try {
            return Jnbis.nist().decode(bytes);
        } finally {
            RECORD_PARSER.unlock();
        }
    }

    private static ContractViolationException malformed(String message, Throwable cause) {
        return new ContractViolationException(
                ContractErrorCode.BIO_TRANSACTION_MALFORMED, List.of(new Violation(-1, -1, "", message)), cause);
    }

    private static List<Violation> compare(TransactionRead read, DeclaredBiometrics declared) {
        Map<Key, List<DeclaredFingerprint>> declaredByKey = new TreeMap<>();
        Map<Key, List<Found>> foundByKey = new TreeMap<>();
        for (DeclaredFingerprint d : declared.fingerprints()) {
            declaredByKey.computeIfAbsent(new Key(d.recordType(), d.position()), k -> new ArrayList<>()).add(d);
        }
        for (Found f : read.found()) {
            foundByKey.computeIfAbsent(new Key(f.facts().recordType(), f.facts().position()), k -> new ArrayList<>()).add(f);
        }
        Set<Key> keys = new TreeSet<>(declaredByKey.keySet());
        keys.addAll(foundByKey.keySet());

        List<Violation> violations = new ArrayList<>();
        for (Key key : keys) {
            String path = DeclaredFingerprint.path(key.recordType(), key.position());
            List<DeclaredFingerprint> ds = declaredByKey.getOrDefault(key, List.of());
            List<Found> fs = foundByKey.getOrDefault(key, List.of());
            if (ds.isEmpty()) {
                violations.add(violation(path, "the transaction holds this record but the body does not declare it"));
            } else if (fs.isEmpty()) {
                violations.add(violation(path, "the body declares this record but the transaction does not hold it"));
            } else if (ds.size() != fs.size()) {
                violations.add(violation(path, "declared " + ds.size() + " such records, found " + fs.size()));
            } else {
                for (int i = 0; i < ds.size(); i++) {
                    compareRecord(path, ds.get(i), fs.get(i), violations);
                }
            }
        }
        if (declared.facialImage() != read.facts().facialImage()) {
            violations.add(violation("FacialImage", presence(declared.facialImage(), read.facts().facialImage(),
                    "a facial image (Type-10 FACE)")));
        }
        if (declared.irisImage() != read.facts().irisImage()) {
            violations.add(violation("IrisImage", presence(declared.irisImage(), read.facts().irisImage(),
                    "an iris image (Type-17)")));
        }
        return violations;
    }

    private static void compareRecord(String path, DeclaredFingerprint declared, Found found, List<Violation> out) {
        DeclaredFingerprint facts = found.facts();
        if (declared.impressionType() != facts.impressionType()) {
            out.add(violation(path + "/ImpressionType",
                    "declared " + declared.impressionType() + ", found " + facts.impressionType()));
        }
        if (declared.compression() != facts.compression()) {
            out.add(violation(path + "/Compression",
                    "declared " + declared.compression() + ", found " + facts.compression()));
        }
        if (Math.abs(declared.resolutionPpi() - found.exactPpi()) > RESOLUTION_TOLERANCE * found.exactPpi()) {
            out.add(violation(path + "/Resolution", "declared " + declared.resolutionPpi() + " ppi, found "
                    + String.format(java.util.Locale.ROOT, "%.2f", found.exactPpi()) + " ppi (1 % tolerated)"));
        }
        if (declared.quality() != null && facts.quality() != null
                && (declared.quality() < found.qualityLow() || declared.quality() > found.qualityHigh())) {
            out.add(violation(path + "/Quality", "declared " + declared.quality() + ", found " + found.qualitySource()));
        }
    }

    private static String presence(boolean declared, boolean found, String what) {
        return declared ? "the body declares " + what + " but the transaction holds none"
                : "the transaction holds " + what + " but the body does not declare one";
    }

    private static Violation violation(String path, String message) {
        return new Violation(-1, -1, path, message);
    }

    /** A fingerprint record's identity in a transaction: its type and finger position. */
    private record Key(int recordType, int position) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byType = Integer.compare(recordType, other.recordType);
            return byType != 0 ? byType : Integer.compare(position, other.position);
        }
    }

    /** One fingerprint record as read: its facts, the exact resolution and the band of qualities that agree with it. */
    private record Found(DeclaredFingerprint facts, double exactPpi, int qualityLow, int qualityHigh, String qualitySource) {
    }

    /** A quality stated by a Type-14 record: the value the facts show and the band of declared values that agree. */
    private record Quality(int stated, int low, int high, String source) {
    }

    private record TransactionRead(TransactionFacts facts, List<Found> found, List<FingerprintImage> images) {
    }

    /** The work of one parse: not shared, so that its running pixel count needs no synchronisation. */
    private static final class Reader {

        private final byte[] bytes;
        private final boolean keepImages;
        private final List<Found> found = new ArrayList<>();
        private final List<FingerprintImage> images = new ArrayList<>();
        private long wsqPixels;
        private int recordNumber;

        Reader(byte[] bytes, boolean keepImages) {
            this.bytes = bytes;
            this.keepImages = keepImages;
        }

        TransactionRead read() {
            List<Integer> types = NistFraming.recordTypes(bytes);
            for (int type : types) {
                if (UNSUPPORTED_FRICTION_RIDGE_TYPES.contains(type)) {
                    throw new NistFraming.Malformed("the transaction holds a Type-" + type
                            + " record; fingerprints are exchanged only as Type-4 or Type-14");
                }
            }
            Nist nist = decodeRecords(bytes);
            TransactionInformation type1 = nist.getTransactionInfo();
            if (type1 == null) {
                throw new NistFraming.Malformed("the transaction has no Type-1 record");
            }
            String tot = type1.getTypeOfTransaction();
            if (tot == null || tot.isBlank()) {
                throw new NistFraming.Malformed("the Type-1 record states no type of transaction (TOT)");
            }
            requireCount(types, 4, nist.getHiResGrayscaleFingerprints().size());
            requireCount(types, 14, nist.getVariableResFingerprints().size());
            requireCount(types, 10, nist.getFacialAndSmtImages().size());
            requireCount(types, 17, nist.getIrisImages().size());

            // jnbis lists records by type; the fingerprints are read in file order so that facts follow the transaction.
            int type4Read = 0;
            int type14Read = 0;
            for (int i = 0; i < types.size(); i++) {
                recordNumber = i + 1;
                if (types.get(i) == 4) {
                    readType4(nist.getHiResGrayscaleFingerprints().get(type4Read++), type1);
                } else if (types.get(i) == 14) {
                    readType14(nist.getVariableResFingerprints().get(type14Read++));
                }
            }
            boolean face = nist.getFacialAndSmtImages().stream()
                    .map(FacialAndSmtImage::getImageType)
                    .anyMatch(imt -> imt != null && imt.trim().equalsIgnoreCase("FACE"));
            boolean iris = !nist.getIrisImages().isEmpty();
            TransactionFacts facts = new TransactionFacts(
                    tot.trim(), found.stream().map(Found::facts).toList(), face, iris);
            return new TransactionRead(facts, List.copyOf(found), List.copyOf(images));
        }

        private void readType4(HighResolutionGrayscaleFingerprint r, TransactionInformation type1) {
            ImpressionType impression = impression(r.getImpressionType());
            int position = position(r.getFingerPosition());
            int gca = number(r.getCompressionAlgorithm(), "compression algorithm (GCA)");
            Compression compression = Compression.ofType4Code(gca);
            if (compression == null) {
                throw fault("compression algorithm code " + gca + " is not an ANSI/NIST-ITL code");
            }
            int isr = number(r.getImageScanningResolution(), "scanning resolution (ISR)");
            double ppi = switch (isr) {
                case 0 -> MINIMUM_SCANNING_PPI;
                case 1 -> ppmm(type1.getNativeScanningResolution()) * MM_PER_INCH;
                default -> throw fault("scanning resolution flag " + isr + " is neither 0 nor 1");
            };
            int width = number(r.getHorizontalLineLength(), "horizontal line length (HLL)");
            int height = number(r.getVerticalLineLength(), "vertical line length (VLL)");
            DeclaredFingerprint facts = new DeclaredFingerprint(
                    4, position, impression, compression, (int) Math.round(ppi), null);
            found.add(new Found(facts, ppi, 0, 100, "no quality"));
            image(4, position, compression, width, height, 8, (int) Math.round(ppi), r.getImageData());
        }

        private void readType14(VariableResolutionFingerprint r) {
            ImpressionType impression = impression(r.getImpressionType());
            int position = position(r.getFingerPosition());
            String cga = r.getCompressionAlgorithm();
            Compression compression = cga == null ? null : Compression.ofType14Label(cga);
            if (compression == null) {
                throw fault("the compression algorithm (CGA) is missing or not an ANSI/NIST-ITL label");
            }
            int units = number(r.getScaleUnits(), "scale units (SLC)");
            int scale = number(r.getHorizontalPixelScale(), "horizontal pixel scale (HPS)");
            double ppi = switch (units) {
                case 1 -> scale;
                case 2 -> scale * CM_PER_INCH;
                default -> throw fault("scale units " + units + " give no resolution");
            };
            if (ppi <= 0) {
                throw fault("the horizontal pixel scale is zero");
            }
            int width = number(r.getHorizontalLineLength(), "horizontal line length (HLL)");
            int height = number(r.getVerticalLineLength(), "vertical line length (VLL)");
            int bitsPerPixel = r.getBitsPerPixel() == null ? 8 : number(r.getBitsPerPixel(), "bits per pixel (BPX)");
            Quality quality = quality(r);
            DeclaredFingerprint facts = new DeclaredFingerprint(
                    14, position, impression, compression, (int) Math.round(ppi), quality == null ? null : quality.stated());
            found.add(quality == null
                    ? new Found(facts, ppi, 0, 100, "no quality")
                    : new Found(facts, ppi, quality.low(), quality.high(), quality.source()));
            image(14, position, compression, width, height, bitsPerPixel, (int) Math.round(ppi),
                    withoutRecordSeparator(r.getImageData()));
        }

        /**
         * The image field (14.999) as it stands in the record: jnbis hands it over with the FS separator that closes
         * the record (which {@link NistFraming} found there), and that byte is no part of the image.
         */
        private static byte[] withoutRecordSeparator(byte[] field) {
            if (field == null || field.length == 0 || field[field.length - 1] != RECORD_SEPARATOR) {
                return field;
            }
            return Arrays.copyOf(field, field.length - 1);
        }

        /** The record's quality, or null when it states none: FQM as it stands, else NQM mapped to its band. */
        private Quality quality(VariableResolutionFingerprint r) {
            Integer worstFqm = worst(r.getFingerprintQualityMetric(), 0, 100, true);
            if (worstFqm != null) {
                return new Quality(worstFqm, worstFqm, worstFqm, worstFqm + " (FQM)");
            }
            Integer worstNfiq = worst(r.getNistQualityMetric(), 1, 5, false);
            if (worstNfiq != null) {
                int stated = 120 - 20 * worstNfiq;
                int low = worstNfiq == 5 ? 0 : stated - 19;
                return new Quality(stated, low, stated, "NFIQ " + worstNfiq + " (NQM), which agrees with " + low + "–" + stated);
            }
            return null;
        }

        /** The worst score of a quality field's subfields, or null when none is stated; 254 and 255 mean not stated. */
        private Integer worst(String field, int min, int max, boolean lowIsWorse) {
            if (field == null || field.isBlank()) {
                return null;
            }
            Integer worst = null;
            for (String subfield : field.split("\u001E", -1)) {
                String[] items = subfield.split("\u001F", -1);
                // NQM items are FGP, NFIQ; FQM items are FGP, score, algorithm vendor, algorithm product: the score is second.
                if (items.length < 2) {
                    throw fault("a quality metric subfield has no score");
                }
                int score = number(items[1], "quality score");
                if (score == 254 || score == 255) {
                    continue;
                }
                if (score < min || score > max) {
                    throw fault("quality score " + score + " is outside " + min + "–" + max);
                }
                if (worst == null || (lowIsWorse ? score < worst : score > worst)) {
                    worst = score;
                }
            }
            return worst;
        }

        private void image(int type, int position, Compression compression, int width, int height, int bitsPerPixel,
                int ppi, byte[] data) {
            if (data == null || data.length == 0) {
                throw fault("the record holds no image");
            }
            if (width <= 0 || height <= 0) {
                throw fault("the image has no width or height");
            }
            if (compression == Compression.NONE) {
                if ((long) width * height * bitsPerPixel != (long) data.length * 8) {
                    throw fault("the uncompressed image is " + data.length + " bytes, not " + width + " × " + height
                            + " pixels of " + bitsPerPixel + " bits");
                }
                if (keepImages && bitsPerPixel == 8) {
                    images.add(new FingerprintImage(type, position, width, height, ppi, data));
                }
            } else if (compression == Compression.WSQ) {
                WsqFrame frame;
                try {
                    frame = WsqFrame.of(data);
                } catch (NistFraming.Malformed e) {
                    throw fault(e.getMessage());
                }
                if (frame.width() != width || frame.height() != height) {
                    throw fault("the WSQ image is " + frame.width() + " × " + frame.height()
                            + " pixels but the record says " + width + " × " + height);
                }
                long pixels = (long) width * height;
                if (pixels > MAX_IMAGE_PIXELS || wsqPixels + pixels > MAX_TRANSACTION_PIXELS) {
                    throw fault("the WSQ image is larger than this gateway decodes");
                }
                wsqPixels += pixels;
                if (keepImages) {
                    // Only here are pixels needed, so only here is the entropy-coded data decoded (see the class comment).
                    Bitmap bitmap = Jnbis.wsq().decode(data).asBitmap();
                    if (bitmap.getWidth() != width || bitmap.getHeight() != height
                            || bitmap.getPixels() == null || bitmap.getPixels().length != pixels) {
                        throw fault("the WSQ image does not decode to the size its header states");
                    }
                    images.add(new FingerprintImage(type, position, width, height, ppi, bitmap.getPixels()));
                }
            }
        }

        private ImpressionType impression(String imp) {
            int code = number(imp, "impression type (IMP)");
            ImpressionType type = ImpressionType.ofCode(code);
            if (type == null) {
                throw fault("impression type " + code + " is not a fingerprint impression this gateway exchanges (0–3)");
            }
            return type;
        }

        private int position(String fgp) {
            int position = number(fgp, "finger position (FGP)");
            if (position < 1 || position > 15) {
                throw fault("finger position " + position + " is not a position this gateway exchanges (1–15)");
            }
            return position;
        }

        private double ppmm(String nsr) {
            if (nsr == null || !nsr.trim().matches("[0-9]{1,3}\\.[0-9]{1,2}")) {
                throw fault("the Type-1 native scanning resolution (NSR) is missing or not a number");
            }
            double value = Double.parseDouble(nsr.trim());
            if (value <= 0) {
                throw fault("the Type-1 native scanning resolution (NSR) is zero");
            }
            return value;
        }

        private int number(String value, String what) {
            if (value == null || !value.trim().matches("[0-9]{1,9}")) {
                throw fault("the " + what + " is missing or not a number");
            }
            return Integer.parseInt(value.trim());
        }

        private NistFraming.Malformed fault(String message) {
            return new NistFraming.Malformed("record " + recordNumber + ": " + message);
        }

        private static void requireCount(List<Integer> types, int type, int parsed) {
            long listed = types.stream().filter(t -> t == type).count();
            if (listed != parsed) {
                throw new NistFraming.Malformed("the Type-1 CNT field lists " + listed + " Type-" + type
                        + " records but " + parsed + " were read");
            }
        }
    }
}
