package org.passerelle.gateway.keys;

import org.passerelle.gateway.audit.AuditAction;

/**
 * Where {@link DataKeys} records what it did to a data key (created, imported, re-wrapped): the node's audit trail, as
 * channel {@code KEYS}, resource {@code data-key/<id>}. Ids of keys only, never key material.
 */
@FunctionalInterface
public interface KeyAudit {

    void record(AuditAction action, String keyId, String detail);
}
