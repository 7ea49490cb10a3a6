package org.passerelle.contracts;

/**
 * The bounds the codec holds every document to, so that hostile input is refused before it costs memory or time.
 *
 * @param maxDocumentBytes        largest document accepted, counted on the stream; larger ones are refused with
 *                                {@link ContractErrorCode#XML_TOO_LARGE} as soon as the limit is passed
 * @param maxElementDepth         deepest element nesting accepted (the schemas need 7)
 * @param maxAttributesPerElement most attributes (namespace declarations not counted) on one element
 * @param maxTransactionBytes     largest ANSI/NIST-ITL transaction handed to the biometric check (the schema's 12 MiB)
 */
public record CodecLimits(int maxDocumentBytes, int maxElementDepth, int maxAttributesPerElement, int maxTransactionBytes) {

    /** 16 MiB. A transaction at the schema's 12 MiB bound is 16 MiB in base64, so this bound is the one that bites first. */
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
    /** 12 MiB, the schema's bound on a decoded transaction. */
    public static final int DEFAULT_MAX_TRANSACTION_BYTES = 12 * 1024 * 1024;

    public CodecLimits {
        if (maxDocumentBytes <= 0 || maxElementDepth <= 0 || maxAttributesPerElement < 0 || maxTransactionBytes <= 0) {
            throw new IllegalArgumentException("codec limits must be positive");
        }
        if (maxDocumentBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxDocumentBytes must leave room to detect one byte more");
        }
    }

    /** 16 MiB documents, depth 32, 16 attributes per element, 12 MiB transactions. */
    public static CodecLimits defaults() {
        return new CodecLimits(DEFAULT_MAX_DOCUMENT_BYTES, 32, 16, DEFAULT_MAX_TRANSACTION_BYTES);
    }

    /** The same limits with another document size bound. */
    public CodecLimits withMaxDocumentBytes(int bytes) {
        return new CodecLimits(bytes, maxElementDepth, maxAttributesPerElement, maxTransactionBytes);
    }
}
