package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.CMS_MALFORMED;
import static org.passerelle.security.SecurityErrorCode.CMS_NOT_DER;

import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Parses CMS structures that must arrive in DER: the bytes must be exactly the DER encoding of what they parse to
 * (no indefinite lengths, no constructed strings, sets sorted, nothing after the structure).
 */
final class DerOnly {

    private DerOnly() {
    }

    static ASN1Primitive parse(byte[] bytes, String what) {
        ASN1Primitive parsed;
        try {
            parsed = ASN1Primitive.fromByteArray(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SecurityCheckException(CMS_MALFORMED, "the CMS " + what + " cannot be parsed", e);
        }
        byte[] der;
        try {
            der = parsed.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new SecurityCheckException(CMS_MALFORMED, "the CMS " + what + " cannot be encoded", e);
        }
        if (!Arrays.equals(der, bytes)) {
            throw new SecurityCheckException(CMS_NOT_DER, "the CMS " + what + " is not in DER");
        }
        return parsed;
    }
}
