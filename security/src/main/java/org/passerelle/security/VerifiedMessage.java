package org.passerelle.security;

import java.util.Objects;

/**
 * The exact signed bytes of a verified CMS SignedData and who signed them.
 *
 * @param content the encapsulated content, byte for byte as signed (the array is not copied: do not modify it)
 * @param sender  the verified and validated signer
 */
public record VerifiedMessage(byte[] content, VerifiedSender sender) {

    public VerifiedMessage {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sender, "sender");
    }

    @Override
    public String toString() {
        return "VerifiedMessage[" + content.length + " bytes from " + sender.party() + "]"; // never the payload
    }
}
