package org.passerelle.gateway.keys;

/**
 * Where {@link DataKeys} records what it did to a data key (created, imported, re-wrapped): the node's audit trail, as
 * channel {@code KEYS}, resource {@code data-key/<id>}. Ids of keys only, never key material.
 */
@FunctionalInterface
public interface KeyAudit {

    void record(String action, String keyId, String detail);
}
