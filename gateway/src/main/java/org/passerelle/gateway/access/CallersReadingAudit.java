package org.passerelle.gateway.access;

import org.passerelle.gateway.audit.AuditReaders;
import org.springframework.stereotype.Component;

/** The audit log's readers are the callers of the requests that read it: their name and most specific role. */
@Component
class CallersReadingAudit implements AuditReaders {

    @Override
    public Reader current() {
        Caller caller = Callers.current();
        return caller == null ? Reader.UNKNOWN : new Reader(caller.name(), caller.auditRole());
    }
}
