package org.passerelle.contracts.biometrics;

/** How a fingerprint was captured, as the ANSI/NIST-ITL impression type (IMP) codes 0 to 3 state it. */
public enum ImpressionType {
    LIVE_PLAIN,
    LIVE_ROLLED,
    NONLIVE_PLAIN,
    NONLIVE_ROLLED;

    /** The ANSI/NIST-ITL IMP code: the enum's order is the code. */
    static ImpressionType ofCode(int code) {
        ImpressionType[] all = values();
        return code >= 0 && code < all.length ? all[code] : null;
    }
}
