package org.passerelle.contracts;

import java.util.List;

/** A message refused by the contracts module, with its stable code and every violation found. */
public final class ContractViolationException extends RuntimeException {

    private final ContractErrorCode code;
    private final List<Violation> violations;

    public ContractViolationException(ContractErrorCode code, List<Violation> violations, Throwable cause) {
        super(code + ": " + summary(violations), cause);
        this.code = code;
        this.violations = List.copyOf(violations);
    }

    public ContractViolationException(ContractErrorCode code, String message) {
        this(code, List.of(new Violation(-1, -1, "", message)), null);
    }

    public ContractErrorCode code() {
        return code;
    }

    public List<Violation> violations() {
        return violations;
    }

    private static String summary(List<Violation> violations) {
        if (violations.isEmpty()) {
            return "no details";
        }
        String first = violations.get(0).toString();
        return violations.size() == 1 ? first : first + " (and " + (violations.size() - 1) + " more)";
    }
}
