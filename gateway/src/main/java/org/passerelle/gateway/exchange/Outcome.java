package org.passerelle.gateway.exchange;

import java.time.Instant;
import org.passerelle.gateway.messagelog.MessageStatus;

/** What one delivery attempt came to; the outbox worker settles the entry accordingly. */
public sealed interface Outcome {

    /**
     * Done: the message reached its target, which proved it (receipt) or acknowledged it (2xx). {@code record} stores
     * what the attempt brought back (the receipt) in the transaction that settles the entry, and only if it does.
     */
    record Delivered(MessageStatus status, String detail, Runnable record) implements Outcome {

        public Delivered(MessageStatus status, String detail) {
            this(status, detail, () -> { });
        }
    }

    /** Failed for now: try again after back-off, unless attempts or the message's lifetime are spent. */
    record Retry(String code, String detail) implements Outcome {
    }

    /** Failed for good: park with the reason until an administrator replays it. */
    record Park(String code, String detail) implements Outcome {
    }

    /**
     * Sent, and the proof comes on its own (a partner on mail answers with a receipt mail): counts as an attempt; the
     * entry waits until {@code until}, is taken at once when the answer arrives, and is attempted again if none has.
     */
    record Awaiting(Instant until, String detail) implements Outcome {
    }

    /** Not attempted (the circuit is open): look again at the given time, without counting an attempt. */
    record Deferred(Instant next) implements Outcome {
    }
}
