package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The structural walk of a WSQ codestream, on {@code sample.wsq}: SOI, two comments, DTT, DQT, SOF, then DHT 0, block
 * 0, DHT 1, blocks 1 and 1, EOI. Every marker in it occurs once per segment (entropy-coded data stuff each FF with 00),
 * so a marker's first occurrence is its segment.
 */
class WsqFrameTest {

    private static final int EOI = 0xFFA1;
    private static final int SOF = 0xFFA2;
    private static final int SOB = 0xFFA3;
    private static final int DTT = 0xFFA4;
    private static final int DQT = 0xFFA5;
    private static final int DHT = 0xFFA6;
    private static final int COM = 0xFFA8;

    private final byte[] wsq = Samples.load(Samples.BARE_WSQ);

    @Test
    void readsTheWidthAndHeightOfARealWsqImage() {
        // when
        WsqFrame frame = WsqFrame.of(wsq);

        // then
        assertThat(frame).isEqualTo(new WsqFrame(545, 622));
    }

    @Test
    void passesEveryWsqImageOfEverySampleTransaction() {
        for (String sample : Samples.TRANSACTIONS) {
            // given
            byte[] transaction = Samples.load(sample);

            // when / then: read walks every WSQ image (the PIV sample has none)
            new NistTransactionCheck(Samples.LIMIT).read(transaction);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 100, 590, 600, 609, 786, 790, 791, 5_000, 10_599, 23_000, 23_715, 23_716})
    void refusesTheImageTruncatedAt(int length) {
        refused(Arrays.copyOf(wsq, length));
    }

    @Test
    void refusesAnImageWithoutItsEndOfImageMarker() {
        // given
        byte[] cut = Arrays.copyOf(wsq, wsq.length - 2);

        // when / then
        assertThat(refused(cut)).hasMessage("the WSQ image ends inside its compressed data");
    }

    @Test
    void refusesAnImageThatDoesNotStartWithItsStartOfImageMarker() {
        // given
        byte[] forged = wsq.clone();
        forged[1] = (byte) 0xA1;

        // when / then
        assertThat(refused(forged)).hasMessage("the image does not start with a WSQ start-of-image marker");
    }

    @Test
    void refusesAnImageWithoutAFrameHeader() {
        // given
        int sof = segment(SOF);

        // when / then
        assertThat(refused(remove(wsq, sof, sof + 2 + length(sof))))
                .hasMessage("the WSQ image has no frame header before its compressed data");
    }

    @Test
    void refusesASecondFrameHeaderAmongTheTables() {
        // given
        int sof = segment(SOF);
        byte[] header = Arrays.copyOfRange(wsq, sof, sof + 2 + length(sof));

        // when / then
        assertThat(refused(insert(wsq, sof + header.length, header))).hasMessage("the WSQ image has a second frame header");
    }

    @Test
    void refusesASecondFrameHeaderAfterABlock() {
        // given: a copy of the frame header between the first block's data and the second Huffman table
        int sof = segment(SOF);
        byte[] header = Arrays.copyOfRange(wsq, sof, sof + 2 + length(sof));
        int secondTable = occurrence(DHT, 2);

        // when / then
        assertThat(refused(insert(wsq, secondTable, header))).hasMessage("the WSQ image has a second frame header");
    }

    @Test
    void refusesASegmentWhoseLengthRunsPastTheEnd() {
        // given
        byte[] forged = wsq.clone();
        int comment = segment(COM);
        forged[comment + 2] = (byte) 0xFF;
        forged[comment + 3] = (byte) 0xF0;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ comment runs past the end of the image");
    }

    @Test
    void refusesAFrameHeaderOfTheWrongLength() {
        // given
        byte[] forged = wsq.clone();
        forged[segment(SOF) + 3] = 18;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ frame header states a wrong length");
    }

    @Test
    void refusesAQuantisationTableOfTheWrongLength() {
        // given: one byte longer, so that the walk would land inside the frame header's marker
        byte[] forged = wsq.clone();
        forged[segment(DQT) + 3]++;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ quantisation table states a wrong length");
    }

    @Test
    void refusesATransformTableWhoseLengthDisagreesWithItsFilters() {
        // given: the second filter now claims 9 taps (5 coefficients) where the segment holds 4
        byte[] forged = wsq.clone();
        int transform = segment(DTT);
        assertThat(forged[transform + 5]).isEqualTo((byte) 7);
        forged[transform + 5] = 9;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ transform table's length does not agree with its filters");
    }

    @Test
    void refusesAHuffmanTableWhoseCountsRunPastItsSegment() {
        // given: one more code of 16 bits than the values the segment holds
        byte[] forged = wsq.clone();
        forged[segment(DHT) + 4 + 1 + 15]++;

        // when / then
        assertThat(refused(forged)).hasMessage("a WSQ Huffman table runs past the end of its segment");
    }

    @Test
    void refusesAHuffmanTableNumberAboveSeven() {
        // given
        byte[] forged = wsq.clone();
        forged[segment(DHT) + 4] = 8;

        // when / then
        assertThat(refused(forged)).hasMessage("a WSQ Huffman table has a number above 7");
    }

    @Test
    void refusesAnUnknownMarkerAmongTheTables() {
        // given: the first comment's marker becomes FFA9, which the specification does not define
        byte[] forged = wsq.clone();
        forged[segment(COM) + 1] = (byte) 0xA9;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ image has an unknown or misplaced marker");
    }

    @Test
    void refusesAnUnknownMarkerEndingABlocksData() {
        // given: the marker after the first block's data (the second Huffman table) becomes FFAF
        byte[] forged = wsq.clone();
        forged[occurrence(DHT, 2) + 1] = (byte) 0xAF;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ image has an unknown or misplaced marker");
    }

    @Test
    void refusesAnUnstuffedByteInsideABlocksData() {
        // given: FF followed by 01 inside the first block's data, where an encoder writes FF 00
        byte[] forged = wsq.clone();
        int data = segment(SOB) + 2 + 3;
        int stuffed = Samples.indexOf(forged, new byte[] {(byte) 0xFF, 0x00}, data);
        forged[stuffed + 1] = 0x01;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ image has an unknown or misplaced marker");
    }

    @Test
    void refusesARestartMarkerInsideABlocksData() {
        // given
        byte[] forged = wsq.clone();
        int stuffed = Samples.indexOf(forged, new byte[] {(byte) 0xFF, 0x00}, segment(SOB) + 5);
        forged[stuffed + 1] = (byte) 0xB0;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ image has a restart marker, which this gateway does not decode");
    }

    @Test
    void refusesARestartIntervalDefinition() {
        // given: DRT (FFA7) defining an interval of 16, right after the start-of-image marker
        byte[] drt = {(byte) 0xFF, (byte) 0xA7, 0x00, 0x04, 0x00, 0x10};

        // when / then
        assertThat(refused(insert(wsq, 2, drt)))
                .hasMessage("the WSQ image defines a restart interval, which this gateway does not decode");
    }

    @Test
    void refusesABlockBeforeTheTransformAndQuantisationTables() {
        // given: the transform and quantisation tables moved from before the frame header to after the first block
        int transform = segment(DTT);
        int frame = segment(SOF);
        byte[] tables = Arrays.copyOfRange(wsq, transform, frame);
        byte[] withoutTables = remove(wsq, transform, frame);
        int secondTable = Samples.indexOf(withoutTables, marker(DHT), Samples.indexOf(withoutTables, marker(SOB), 0));

        // when / then
        assertThat(refused(insert(withoutTables, secondTable, tables)))
                .hasMessage("a WSQ block comes before the transform and quantisation tables");
    }

    @Test
    void refusesABlockNamingAHuffmanTableNotYetDefined() {
        // given: the first block names table 1, which is defined only before the second block
        byte[] forged = wsq.clone();
        int block = segment(SOB);
        assertThat(forged[block + 4]).isEqualTo((byte) 0);
        forged[block + 4] = 1;

        // when / then
        assertThat(refused(forged)).hasMessage("a WSQ block names a Huffman table not defined before it");
    }

    @Test
    void refusesMoreThanThreeBlocks() {
        // given: the third block (header and data) once more before the end-of-image marker
        int third = occurrence(SOB, 3);
        int end = wsq.length - 2;
        byte[] block = Arrays.copyOfRange(wsq, third, end);

        // when / then
        assertThat(refused(insert(wsq, end, block))).hasMessage("the WSQ image has more than 3 blocks");
    }

    @Test
    void refusesAnImageWithoutABlock() {
        // given: everything up to the first block, then the end-of-image marker
        byte[] noBlocks = insert(Arrays.copyOf(wsq, segment(SOB)), segment(SOB), marker(EOI));

        // when / then
        assertThat(refused(noBlocks)).hasMessage("the WSQ image has no block of compressed data");
    }

    @Test
    void refusesBytesAfterTheEndOfImageMarker() {
        // given
        byte[] padded = Arrays.copyOf(wsq, wsq.length + 1);

        // when / then
        assertThat(refused(padded)).hasMessage("bytes follow the WSQ image's end-of-image marker");
    }

    @Test
    void refusesBytesThatAreNoMarkerWhereASegmentShouldStart() {
        // given
        byte[] forged = wsq.clone();
        forged[segment(COM)] = 0x00;

        // when / then
        assertThat(refused(forged)).hasMessage("the WSQ image has no marker where a segment should start");
    }

    @Test
    void neverFailsOtherwiseThanAsMalformedWhateverBitIsFlipped() {
        // given
        Random random = new Random(15);
        for (int i = 0; i < 3_000; i++) {
            byte[] flipped = wsq.clone();
            // most flips land in the first 900 bytes (markers, lengths, tables, headers), the rest anywhere
            int at = i % 4 == 0 ? random.nextInt(flipped.length) : random.nextInt(900);
            flipped[at] ^= (byte) (1 << random.nextInt(8));

            // when / then: a walk either passes or refuses; an index or arithmetic fault would escape as itself
            try {
                WsqFrame.of(flipped);
            } catch (NistFraming.Malformed expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static NistFraming.Malformed refused(byte[] image) {
        NistFraming.Malformed refused = catchThrowableOfType(NistFraming.Malformed.class, () -> WsqFrame.of(image));
        assertThat(refused).as("refused as malformed").isNotNull();
        return refused;
    }

    /** Offset of the first segment with this marker. */
    private int segment(int marker) {
        return occurrence(marker, 1);
    }

    private int occurrence(int marker, int n) {
        int at = -2;
        for (int i = 0; i < n; i++) {
            at = Samples.indexOf(wsq, marker(marker), at + 2);
        }
        assertThat(at).as("marker %X occurrence %d", marker, n).isNotNegative();
        return at;
    }

    private int length(int segment) {
        return ((wsq[segment + 2] & 0xFF) << 8) | (wsq[segment + 3] & 0xFF);
    }

    private static byte[] marker(int marker) {
        return new byte[] {(byte) (marker >> 8), (byte) marker};
    }

    private static byte[] remove(byte[] bytes, int from, int to) {
        byte[] out = new byte[bytes.length - (to - from)];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(bytes, to, out, from, bytes.length - to);
        return out;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }
}
