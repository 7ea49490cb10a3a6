package org.passerelle.gateway.error;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The one exception the gateway raises for a refusal or a failure with a defined outcome: a stable code
 * (its own, or a contracts / security code passed through), the HTTP status it maps to, details safe to
 * show to the caller, and the cause.
 */
public final class GatewayException extends RuntimeException {

    private final String code;
    private final HttpStatus status;
    private final List<String> details;

    public GatewayException(GatewayErrorCode code, String message) {
        this(code.name(), code.status(), message, List.of(), null);
    }

    public GatewayException(GatewayErrorCode code, String message, Throwable cause) {
        this(code.name(), code.status(), message, List.of(), cause);
    }

    public GatewayException(String code, HttpStatus status, String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.details = List.copyOf(details);
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public List<String> details() {
        return details;
    }
}
