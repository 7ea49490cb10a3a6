package org.passerelle.contracts.biometrics;

/**
 * Reads the width and height of a WSQ image from its frame header, so that an image too big to decode is refused before
 * the decoder allocates for it.
 */
record WsqFrame(int width, int height) {

    private static final int SOI = 0xFFA0;
    private static final int SOF = 0xFFA2;

    static WsqFrame of(byte[] wsq) {
        if (wsq.length < 4 || u16(wsq, 0) != SOI) {
            throw new NistFraming.Malformed("the image does not start with a WSQ start-of-image marker");
        }
        int i = 2;
        while (i + 4 <= wsq.length) {
            int marker = u16(wsq, i);
            int length = u16(wsq, i + 2);
            if (marker == SOF) {
                if (length < 17 || i + 10 > wsq.length) {
                    throw new NistFraming.Malformed("the WSQ frame header is cut short");
                }
                return new WsqFrame(u16(wsq, i + 8), u16(wsq, i + 6));
            }
            // Tables (transform, quantisation, Huffman), restart interval and comments may precede the frame header.
            boolean table = marker >= 0xFFA4 && marker <= 0xFFA8;
            if (!table || length < 2) {
                throw new NistFraming.Malformed("the WSQ image has an unexpected marker before its frame header");
            }
            i += 2 + length;
        }
        throw new NistFraming.Malformed("the WSQ image has no frame header");
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }
}
