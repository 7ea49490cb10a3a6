package org.passerelle.gateway.access;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;

/** An audit trail that keeps entries in memory, for rules tested without a database. */
final class RecordingAuditTrail extends AuditTrail {

    final List<Entry> entries = new ArrayList<>();

    RecordingAuditTrail() {
        super(null, Clock.systemUTC());
    }

    @Override
    public void record(Entry e) {
        entries.add(e);
    }

    @Override
    public void refused(Entry e) {
        entries.add(e);
    }

    Entry last() {
        return entries.get(entries.size() - 1);
    }
}
