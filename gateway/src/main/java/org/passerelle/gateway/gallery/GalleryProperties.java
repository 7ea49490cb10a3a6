package org.passerelle.gateway.gallery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The biometric gallery ({@code passerelle.gallery}).
 *
 * @param threshold      the lowest score a search reports as a candidate, {@link GalleryIndex#DEFAULT_THRESHOLD} by
 *                       default (the scores measured on the repository's samples are there and in README): raising it
 *                       misses more of the same person's poorer captures, lowering it holds more applicants for a
 *                       review they did not need
 * @param maxCandidates  how many candidates a search reports at most, best first
 * @param retention      how long an entry is kept after the return it records; erased, and audited, when it ends
 * @param workInterval   how often the node looks for enrolments and searches to do
 * @param purgeInterval  how often the node looks for entries whose retention ended
 * @param parallelism    how many threads one search compares on (0: one per processor)
 * @param maxAttempts    how many times an enrolment or search is tried before it is left, audited, for an operator
 */
@ConfigurationProperties("passerelle.gallery")
public record GalleryProperties(@DefaultValue("60") double threshold,
                                @DefaultValue("10") int maxCandidates,
                                @DefaultValue("1826d") Duration retention,
                                @DefaultValue("1s") Duration workInterval,
                                @DefaultValue("1h") Duration purgeInterval,
                                @DefaultValue("0") int parallelism,
                                @DefaultValue("5") int maxAttempts) {

    public GalleryProperties {
        if (!(threshold > 0) || maxCandidates < 1 || retention.isNegative() || retention.isZero() || parallelism < 0
                || maxAttempts < 1) {
            throw new IllegalArgumentException("passerelle.gallery: threshold and retention must be positive,"
                    + " max-candidates and max-attempts at least 1, parallelism 0 or more");
        }
    }

    /** The threads a search uses. */
    public int threads() {
        return parallelism == 0 ? Runtime.getRuntime().availableProcessors() : parallelism;
    }
}
