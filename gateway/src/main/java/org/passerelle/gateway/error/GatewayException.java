package org.passerelle.gateway.error;

import java.util.List;
import java.util.Set;
import org.passerelle.contracts.ErrorCode;
import org.springframework.http.HttpStatus;

/**
 * The one exception the gateway raises for a refusal or a failure with a defined outcome: a stable code of the one
 * catalogue (its own, or a contracts / security code passed through), answered with that code's one HTTP status,
 * details safe to show to the caller, and the cause.
 */
public final class GatewayException extends RuntimeException {

    private static final Set<ErrorCode> NODE_FAILURES = Set.of(GatewayErrorCode.INTERNAL_ERROR,
            GatewayErrorCode.NODE_BUSY, GatewayErrorCode.NODE_NOT_READY, GatewayErrorCode.PAYLOAD_KEY_UNAVAILABLE);

    private final ErrorCode code;
    private final List<String> details;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    public GatewayException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), cause);
    }

    public GatewayException(ErrorCode code, String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether this is a refusal with the given code. */
    public boolean is(ErrorCode other) {
        return code == other;
    }

    /**
     * Whether the failure is the node's own (it failed inside, is full, or cannot open its keys) rather than a refusal
     * of the submission: the same submission may be taken later, so a connector leaves it to be taken again instead of
     * answering it as refused.
     */
    public boolean nodeFailure() {
        return NODE_FAILURES.contains(code);
    }

    /**
     * Whether the caller is told to send the same again after {@code Retry-After} seconds: the node is full or not
     * running its routes; nothing was taken.
     */
    public boolean retryLater() {
        return code == GatewayErrorCode.NODE_BUSY || code == GatewayErrorCode.NODE_NOT_READY;
    }

    public HttpStatus status() {
        return HttpStatus.valueOf(code.httpStatus());
    }

    public List<String> details() {
        return details;
    }
}
