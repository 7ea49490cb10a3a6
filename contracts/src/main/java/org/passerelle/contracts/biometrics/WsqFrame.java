package org.passerelle.contracts.biometrics;

/**
 * The width and height of a WSQ image, read from its frame header once every marker of its codestream has been walked
 * and found in its place, without decoding a pixel.
 *
 * <p>The walk follows the FBI's WSQ Gray-scale Fingerprint Image Compression Specification (IAFIS-IC-0110) as far as
 * jnbis 2.1.2, the decoder that gives this gateway its pixels, reads it. In stream order:
 * <ul>
 *   <li>The stream starts with the start-of-image marker (SOI, FFA0).</li>
 *   <li>Before the frame header stand only tables and comments: the transform table (DTT, FFA4), the quantisation
 *       table (DQT, FFA5), Huffman tables (DHT, FFA6) and comments (COM, FFA8).</li>
 *   <li>The frame header (SOF, FFA2) stands exactly once, 17 bytes long.</li>
 *   <li>Then one to three blocks (SOB, FFA3, 3 bytes long; the specification divides the wavelet subbands into three
 *       blocks), each followed by its entropy-coded data. Tables and comments may stand between the frame header and
 *       a block, and between blocks. The transform and quantisation tables stand before the first block; the Huffman
 *       table a block names (0–7) is defined before that block.</li>
 *   <li>In entropy-coded data a byte FF is followed by a stuffed 00, or it starts the marker that ends the data: a
 *       table, a comment, the next block or the end of the image. Any other marker is refused.</li>
 *   <li>The end-of-image marker (EOI, FFA1) is the stream's last two bytes: nothing follows it.</li>
 *   <li>Every segment's length stays inside the bytes and agrees with what the segment holds: the transform table
 *       holds its two filters' lengths and six bytes for each coefficient it states (a symmetric filter states half
 *       its taps, rounded up), the quantisation table 389 bytes, each Huffman table a table number (0–7), sixteen code counts and as many values
 *       as they count (at most 256), one table after another to the segment's exact end.</li>
 * </ul>
 * Restart intervals (DRT, FFA7, and the restart markers FFB0–FFB7 in entropy-coded data) belong to the specification
 * but are refused: jnbis cannot decode them, and the gateway refused them before this walk existed, when it decoded
 * every image.
 *
 * <p>What the walk does not check, because only decoding can: that every Huffman code in the entropy-coded data
 * exists in its table, that the decoded coefficients fill the image exactly, and that the tables' values make sense
 * as filters and quantisation bins. No message holds a byte of the image: markers are named, never shown.
 */
record WsqFrame(int width, int height) {

    /** The specification divides the wavelet subbands into three blocks, and NIST's reference encoder writes all three. */
    static final int MAX_BLOCKS = 3;

    private static final int SOI = 0xFFA0;
    private static final int EOI = 0xFFA1;
    private static final int SOF = 0xFFA2;
    private static final int SOB = 0xFFA3;
    private static final int DTT = 0xFFA4;
    private static final int DQT = 0xFFA5;
    private static final int DHT = 0xFFA6;
    private static final int DRT = 0xFFA7;
    private static final int COM = 0xFFA8;
    private static final int FIRST_RESTART = 0xFFB0;
    private static final int LAST_RESTART = 0xFFB7;

    /** Length field, black and white levels, height, width, shift and scale (each a scale byte and a value), encoder, software. */
    private static final int SOF_LENGTH = 17;
    /** Length field, then the number of the Huffman table the block's data is coded with. */
    private static final int SOB_LENGTH = 3;
    /** Length field, bin centre (scale byte and value), then a quantisation and a zero bin (each three bytes) for 64 subbands. */
    private static final int DQT_LENGTH = 2 + 3 + 64 * 6;
    /** Each coefficient of a transform filter: a sign byte, a scale byte and a four-byte value. */
    private static final int DTT_COEFFICIENT_BYTES = 6;
    private static final int HUFFMAN_TABLES = 8;
    private static final int HUFFMAN_CODE_LENGTHS = 16;
    private static final int MAX_HUFFMAN_VALUES = 256;

    /** Walks the whole codestream; refuses with {@link NistFraming.Malformed} where it breaks the rules above. */
    static WsqFrame of(byte[] wsq) {
        return new Walk(wsq).walk();
    }

    /** One walk of one stream: not shared. */
    private static final class Walk {

        private final byte[] bytes;
        private final boolean[] huffmanTables = new boolean[HUFFMAN_TABLES];
        private boolean transformTable;
        private boolean quantisationTable;
        private int at;

        Walk(byte[] bytes) {
            this.bytes = bytes;
        }

        WsqFrame walk() {
            if (bytes.length < 2 || u16(0) != SOI) {
                throw malformed("the image does not start with a WSQ start-of-image marker");
            }
            at = 2;
            int marker = marker();
            while (marker != SOF) {
                if (marker == SOB || marker == EOI) {
                    throw malformed("the WSQ image has no frame header before its compressed data");
                }
                table(marker);
                marker = marker();
            }
            WsqFrame frame = frameHeader();
            int blocks = 0;
            marker = marker();
            while (marker != EOI) {
                if (marker == SOF) {
                    throw malformed("the WSQ image has a second frame header");
                } else if (marker == SOB) {
                    if (++blocks > MAX_BLOCKS) {
                        throw malformed("the WSQ image has more than " + MAX_BLOCKS + " blocks");
                    }
                    blockHeader();
                    marker = entropyCodedData();
                } else {
                    table(marker);
                    marker = marker();
                }
            }
            if (blocks == 0) {
                throw malformed("the WSQ image has no block of compressed data");
            }
            if (at != bytes.length) {
                throw malformed("bytes follow the WSQ image's end-of-image marker");
            }
            return frame;
        }

        /** The marker at the current position, which it passes. */
        private int marker() {
            if (at + 2 > bytes.length) {
                throw malformed("the WSQ image ends before its end-of-image marker");
            }
            int marker = u16(at);
            if ((marker & 0xFF00) != 0xFF00) {
                throw malformed("the WSQ image has no marker where a segment should start");
            }
            at += 2;
            return marker;
        }

        /** Passes a table or comment segment whose marker was just read, checking its length against its content. */
        private void table(int marker) {
            switch (marker) {
                case DTT -> transformTable();
                case DQT -> {
                    segment("quantisation table", DQT_LENGTH);
                    quantisationTable = true;
                }
                case DHT -> huffmanTables();
                case COM -> segment("comment", -1);
                case DRT -> throw malformed("the WSQ image defines a restart interval, which this gateway does not decode");
                default -> throw malformed("the WSQ image has an unknown or misplaced marker");
            }
        }

        private void transformTable() {
            int content = segment("transform table", -1);
            int contentLength = at - content;
            if (contentLength < 2) {
                throw malformed("the WSQ transform table is cut short");
            }
            int first = bytes[content] & 0xFF;
            int second = bytes[content + 1] & 0xFF;
            if (first == 0 || second == 0) {
                throw malformed("the WSQ transform table has an empty filter");
            }
            long expected = 2 + (long) DTT_COEFFICIENT_BYTES * ((first + 1) / 2 + (second + 1) / 2);
            if (contentLength != expected) {
                throw malformed("the WSQ transform table's length does not agree with its filters");
            }
            transformTable = true;
        }

        private void huffmanTables() {
            int p = segment("Huffman table", -1);
            int end = at;
            if (p == end) {
                throw malformed("the WSQ Huffman table segment holds no table");
            }
            while (p < end) {
                if (p + 1 + HUFFMAN_CODE_LENGTHS > end) {
                    throw malformed("a WSQ Huffman table is cut short");
                }
                int table = bytes[p] & 0xFF;
                if (table >= HUFFMAN_TABLES) {
                    throw malformed("a WSQ Huffman table has a number above " + (HUFFMAN_TABLES - 1));
                }
                int values = 0;
                for (int i = 1; i <= HUFFMAN_CODE_LENGTHS; i++) {
                    values += bytes[p + i] & 0xFF;
                }
                if (values > MAX_HUFFMAN_VALUES) {
                    throw malformed("a WSQ Huffman table counts more than " + MAX_HUFFMAN_VALUES + " values");
                }
                p += 1 + HUFFMAN_CODE_LENGTHS + values;
                if (p > end) {
                    throw malformed("a WSQ Huffman table runs past the end of its segment");
                }
                huffmanTables[table] = true;
            }
        }

        private WsqFrame frameHeader() {
            int content = segment("frame header", SOF_LENGTH);
            return new WsqFrame(u16(content + 4), u16(content + 2));
        }

        private void blockHeader() {
            if (!transformTable || !quantisationTable) {
                throw malformed("a WSQ block comes before the transform and quantisation tables");
            }
            int content = segment("block header", SOB_LENGTH);
            int table = bytes[content] & 0xFF;
            if (table >= HUFFMAN_TABLES || !huffmanTables[table]) {
                throw malformed("a WSQ block names a Huffman table not defined before it");
            }
        }

        /** Passes the entropy-coded data after a block header and the marker that ends it, which it returns. */
        private int entropyCodedData() {
            int i = at;
            while (true) {
                while (i < bytes.length && bytes[i] != (byte) 0xFF) {
                    i++;
                }
                if (i + 1 >= bytes.length) {
                    throw malformed("the WSQ image ends inside its compressed data");
                }
                int next = bytes[i + 1] & 0xFF;
                if (next == 0x00) {
                    i += 2;
                    continue;
                }
                at = i + 2;
                int marker = 0xFF00 | next;
                if (marker >= FIRST_RESTART && marker <= LAST_RESTART) {
                    throw malformed("the WSQ image has a restart marker, which this gateway does not decode");
                }
                return marker;
            }
        }

        /**
         * Passes the segment whose marker was just read and returns where its content starts (after the length
         * field); {@code exactLength} is the length the segment must state, or -1 for any that fits.
         */
        private int segment(String what, int exactLength) {
            if (at + 2 > bytes.length) {
                throw malformed("the WSQ " + what + " is cut short");
            }
            int length = u16(at);
            if (length < 2 || (exactLength >= 0 && length != exactLength)) {
                throw malformed("the WSQ " + what + " states a wrong length");
            }
            if (length > bytes.length - at) {
                throw malformed("the WSQ " + what + " runs past the end of the image");
            }
            int content = at + 2;
            at += length;
            return content;
        }

        private int u16(int offset) {
            return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
        }

        private static NistFraming.Malformed malformed(String message) {
            return new NistFraming.Malformed(message);
        }
    }
}
