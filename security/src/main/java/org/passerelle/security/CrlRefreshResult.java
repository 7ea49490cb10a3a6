package org.passerelle.security;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link CrlRefresher#refresh()} did, source by source, for the gateway to audit and alert on.
 *
 * @param at       when the refresh ran
 * @param outcomes one outcome per CRL source (file or distribution point), in the order they were tried
 */
public record CrlRefreshResult(Instant at, List<Outcome> outcomes) {

    /** What happened to one source. */
    public enum Status {
        /** A newer (or first) CRL was taken from this source. */
        UPDATED(false),
        /** The source holds the CRL already held (same content). */
        UNCHANGED(false),
        /** The source's CRL is older than the one held and was refused (no rollback). */
        OLDER_THAN_HELD(true),
        /** The CRL's signature does not verify against its issuer. */
        SIGNATURE_INVALID(true),
        /** A delta or partitioned CRL, or one with an unknown critical extension: never taken for the complete CRL. */
        NOT_COMPLETE(true),
        /** The CRL names an issuer that is neither a trust anchor nor a configured issuer. */
        UNKNOWN_ISSUER(true),
        /** The source could not be read or does not hold a CRL. */
        UNREADABLE(true),
        /** The distribution point could not be reached, timed out or answered other than 200. */
        UNREACHABLE(true),
        /** The CRL is larger than the configured bound. */
        TOO_LARGE(true);

        private final boolean failure;

        Status(boolean failure) {
            this.failure = failure;
        }

        /** Whether this outcome left the held CRL as it was because something is wrong with the source. */
        public boolean failure() {
            return failure;
        }
    }

    /**
     * The outcome of one source.
     *
     * @param source     the file path or the distribution point URL
     * @param status     what happened
     * @param issuer     the CRL's issuer name (RFC 2253), or null if no CRL was read
     * @param thisUpdate the thisUpdate of the CRL read, or null
     * @param nextUpdate the nextUpdate of the CRL read, or null
     * @param details    our own words on a failure (never a provider's or server's text), empty otherwise
     */
    public record Outcome(String source, Status status, String issuer, Instant thisUpdate, Instant nextUpdate, String details) {

        public Outcome {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(status, "status");
            details = details == null ? "" : details;
        }

        public boolean failed() {
            return status.failure();
        }
    }

    public CrlRefreshResult {
        Objects.requireNonNull(at, "at");
        outcomes = List.copyOf(outcomes);
    }

    /** The outcomes that are failures (to audit and alert on). */
    public List<Outcome> failures() {
        return outcomes.stream().filter(Outcome::failed).toList();
    }

    /** Whether every source was read without failure. */
    public boolean succeeded() {
        return failures().isEmpty();
    }
}
