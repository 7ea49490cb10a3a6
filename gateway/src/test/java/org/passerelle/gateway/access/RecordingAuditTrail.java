package org.passerelle.gateway.access;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.audit.AuditTrail.Entry;

/** An audit trail that keeps entries in memory, for rules tested without a database. */
final class RecordingAuditTrail {

    final List<Entry> entries = new ArrayList<>();
    final AuditTrail trail = mock(AuditTrail.class);

    RecordingAuditTrail() {
        doAnswer(call -> entries.add(call.getArgument(0))).when(trail).record(any());
        doAnswer(call -> entries.add(call.getArgument(0))).when(trail).refused(any());
    }

    Entry last() {
        return entries.get(entries.size() - 1);
    }
}
