package org.passerelle.security;

import java.util.Objects;

/**
 * The one exception the security library throws: a stable {@link SecurityErrorCode}, our own details and
 * the underlying cause (whose text is for logs only and never part of this message).
 */
public final class SecurityCheckException extends RuntimeException {

    private final SecurityErrorCode code;
    private final String details;

    public SecurityCheckException(SecurityErrorCode code, String details, Throwable cause) {
        super(Objects.requireNonNull(code, "code") + ": " + details, cause);
        this.code = code;
        this.details = details;
    }

    public SecurityCheckException(SecurityErrorCode code, String details) {
        this(code, details, null);
    }

    /** The stable code of this refusal. */
    public SecurityErrorCode code() {
        return code;
    }

    /** What was refused, in our own words (never a provider's exception text, never payload bytes). */
    public String details() {
        return details;
    }
}
