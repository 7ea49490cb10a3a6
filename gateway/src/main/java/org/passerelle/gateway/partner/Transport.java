package org.passerelle.gateway.partner;

/**
 * How messages travel to and from one partner, chosen per partner in the registry ({@code transport}). Whatever the
 * transport, a message is signed by the sending gateway, checked on arrival exactly as the partner port checks it, and
 * counts as delivered only once the partner's receipt for those exact bytes is verified.
 */
public enum Transport {
    /** Passerelle's own exchange: CMS over mutual TLS, the signed receipt in the response ({@code native}). */
    NATIVE,
    /**
     * DubliNet-style S/MIME mail ({@code smime-mail}): the same CMS, signed then encrypted, as an
     * {@code application/pkcs7-mime} mail over SMTP with STARTTLS; the receipt comes back as a signed mail.
     */
    SMIME_MAIL,
    /** eDelivery AS4 ({@code as4}): the envelope as the payload of an ebMS 3 user message, answered by the AS4 receipt. */
    AS4
}
