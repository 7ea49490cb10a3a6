package org.passerelle.contracts;

/**
 * Stable codes for every way a message can break its contract. Partner systems and auditors read
 * these codes: a code never changes meaning, and new ones are only ever added.
 */
public enum ContractErrorCode implements ErrorCode {
    /** The bytes are not well-formed XML (or not XML at all). */
    XML_MALFORMED(400),
    /**
     * The document leaves the codec's XML profile: an encoding other than UTF-8 (UTF-16, UTF-32 or EBCDIC bytes, or
     * another encoding in the XML declaration), a byte order mark, a comment, a processing instruction, a CDATA
     * section, a DOCTYPE, an entity or XInclude.
     */
    XML_FORBIDDEN_CONSTRUCT(400),
    /** The document is larger than the configured limit, or nests or repeats beyond the parser's limits. */
    XML_TOO_LARGE(413),
    /** The root element or a body is in a namespace (or version) this node does not serve. */
    XML_UNSUPPORTED_NAMESPACE(400),
    /** The document is well-formed but breaks the schema; every violation is listed. */
    XML_SCHEMA_INVALID(400),
    /**
     * The ANSI/NIST-ITL transaction cannot be parsed, or a WSQ image in it is not a well-formed WSQ codestream, or (where
     * pixels are decoded) one of its images cannot be decoded.
     */
    BIO_TRANSACTION_MALFORMED(400),
    /** The ANSI/NIST-ITL transaction contradicts what the message body states about it. */
    BIO_TRANSACTION_MISMATCH(400);

    private final int httpStatus;

    ContractErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
