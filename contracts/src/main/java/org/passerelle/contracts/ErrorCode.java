package org.passerelle.contracts;

/**
 * A stable error code of the node's one catalogue: the contracts' ({@link ContractErrorCode}), the security library's
 * and the gateway's own codes all implement it. Its {@link #name()} is what partners and back-ends read (the
 * {@code code} of a problem or a Fault); each code answers with one HTTP status, whoever raises it.
 */
public interface ErrorCode {

    /** The code as written on the wire and in the audit log. */
    String name();

    /** The one HTTP status a refusal with this code answers with. */
    int httpStatus();
}
