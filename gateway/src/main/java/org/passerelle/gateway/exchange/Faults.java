package org.passerelle.gateway.exchange;

import java.util.List;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.SecurityCheckException;

/** Turns the contracts' and security library's refusals into the gateway's one exception, codes unchanged. */
public final class Faults {

    private Faults() {
    }

    public static GatewayException from(ContractViolationException e) {
        List<String> details = e.violations().stream().map(Object::toString).limit(100).toList();
        return new GatewayException(e.code(), "The message breaks its contract", details, e);
    }

    public static GatewayException from(SecurityCheckException e) {
        return new GatewayException(e.code(), "The message failed a security check",
                List.of(e.details()), e);
    }

    /** Any throwable as a gateway exception: known kinds keep their code, anything else is INTERNAL_ERROR. */
    public static GatewayException from(Throwable t) {
        return switch (t) {
            case GatewayException g -> g;
            case ContractViolationException c -> from(c);
            case SecurityCheckException s -> from(s);
            default -> new GatewayException(GatewayErrorCode.INTERNAL_ERROR, "Internal error", t);
        };
    }
}
