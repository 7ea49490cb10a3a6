package org.passerelle.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.passerelle.security.CrlRefreshResult.Outcome;
import org.passerelle.security.CrlRefreshResult.Status;

/**
 * Keeps the CRLs of a {@link PartyTrust} current: each {@link #refresh()} re-reads the configured CRL files
 * whose content changed and fetches the CRL distribution points (where enabled), and offers each CRL to the
 * trust's {@link CrlStore}, which takes it only if its issuer signed it and it is not older than the one held;
 * a failed source leaves the last good CRL in place and is reported in the result.
 */
public final class CrlRefresher {

    private final CrlStore store;
    private final List<X509Certificate> issuers;
    private final CrlRefreshSettings settings;
    private final Clock clock;
    private final HttpClient http;
    /** The digest of the bytes last taken or found unchanged, per source, so an unchanged source is not parsed again. */
    private final Map<String, byte[]> lastDigests = new HashMap<>();
    private volatile Instant lastRefresh;
    private volatile CrlRefreshResult lastResult;

    /** A refresher for the trust's CRL store, accepting CRLs signed by the trust's anchors (or by CA certificates in the settings). */
    public CrlRefresher(PartyTrust trust, CrlRefreshSettings settings, Clock clock) {
        this.store = Objects.requireNonNull(trust, "trust").crlStore();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        List<X509Certificate> candidates = new ArrayList<>(trust.allAnchors());
        settings.certificates().stream().filter(c -> c.getBasicConstraints() >= 0).forEach(candidates::add);
        this.issuers = List.copyOf(candidates);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // a CRL is fetched from where the certificate says, nowhere else
                .build();
    }

    /** The store this refresher keeps current. */
    public CrlStore store() {
        return store;
    }

    /** Re-reads every source once and reports each source's outcome; never throws for a failing source. */
    public synchronized CrlRefreshResult refresh() {
        Instant at = clock.instant();
        List<Outcome> outcomes = new ArrayList<>();
        for (Path file : settings.files()) {
            outcomes.add(fromFile(file));
        }
        if (settings.fetchDistributionPoints()) {
            for (URI uri : distributionPoints()) {
                outcomes.add(fromDistributionPoint(uri));
            }
        }
        lastRefresh = at;
        lastResult = new CrlRefreshResult(at, outcomes);
        return lastResult;
    }

    /** The result of the last refresh, or null before the first. */
    public CrlRefreshResult lastResult() {
        return lastResult;
    }

    /**
     * When the next refresh is due: at the latest one interval after the last refresh, earlier if a held CRL
     * reaches its nextUpdate (less the margin) before then, but never sooner than the retry time after the
     * last refresh; at once (the epoch) if there was no refresh yet.
     */
    public Instant nextRefreshDue() {
        Instant last = lastRefresh;
        if (last == null) {
            return Instant.EPOCH;
        }
        Instant due = last.plus(settings.interval());
        for (X509CRL crl : store.all()) {
            if (crl.getNextUpdate() == null) {
                continue;
            }
            Instant thisUpdate = crl.getThisUpdate().toInstant();
            Instant nextUpdate = crl.getNextUpdate().toInstant();
            Duration halfLife = Duration.between(thisUpdate, nextUpdate).dividedBy(2);
            Duration margin = halfLife.isNegative() || halfLife.compareTo(settings.margin()) >= 0 ? settings.margin() : halfLife;
            Instant candidate = nextUpdate.minus(margin);
            if (candidate.isBefore(due)) {
                due = candidate;
            }
        }
        Instant earliest = last.plus(settings.retry());
        return due.isBefore(earliest) ? earliest : due;
    }

    private Set<URI> distributionPoints() {
        Set<URI> uris = new LinkedHashSet<>(settings.distributionPoints());
        if (!settings.followCertificates()) {
            return uris;
        }
        settings.certificates().forEach(c -> uris.addAll(RevocationExtensions.crlDistributionPoints(c)));
        issuers.forEach(c -> uris.addAll(RevocationExtensions.crlDistributionPoints(c)));
        uris.addAll(store.learntDistributionPoints());
        return uris;
    }

    private Outcome fromFile(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > settings.maxBytes()) {
                return failure(source, Status.TOO_LARGE, "the file is larger than " + settings.maxBytes() + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return failure(source, Status.UNREADABLE, "the file does not exist");
        } catch (IOException e) {
            return failure(source, Status.UNREADABLE, "the file cannot be read");
        }
        return take(source, bytes);
    }

    private Outcome fromDistributionPoint(URI uri) {
        String source = uri.toString();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).GET().build();
        BoundedFetch.Result fetched;
        try {
            fetched = BoundedFetch.fetch(http, request, settings.maxBytes(), settings.connectTimeout().plus(settings.requestTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(source, Status.UNREACHABLE, "interrupted while fetching");
        }
        if (fetched.failure() == null) {
            return take(source, fetched.body());
        }
        return switch (fetched.failure()) {
            case TIMED_OUT -> failure(source, Status.UNREACHABLE, "the distribution point did not answer in time");
            case TOO_LARGE -> failure(source, Status.TOO_LARGE, "the CRL is larger than " + settings.maxBytes() + " bytes");
            case HTTP_STATUS -> failure(source, Status.UNREACHABLE, "the distribution point answered HTTP " + fetched.status());
            case UNREACHABLE -> failure(source, Status.UNREACHABLE, "the distribution point cannot be reached");
        };
    }

    private Outcome take(String source, byte[] bytes) {
        byte[] digest = sha256(bytes);
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
        } catch (GeneralSecurityException | RuntimeException e) {
            return failure(source, Status.UNREADABLE, "the source holds no readable CRL");
        }
        if (crl == null) {
            return failure(source, Status.UNREADABLE, "the source holds no CRL");
        }
        if (MessageDigest.isEqual(digest, lastDigests.get(source)) && store.all().contains(crl)) {
            return outcome(source, Status.UNCHANGED, crl, "");
        }
        List<X509Certificate> named = issuers.stream()
                .filter(i -> i.getSubjectX500Principal().equals(crl.getIssuerX500Principal())).toList();
        if (named.isEmpty()) {
            return outcome(source, Status.UNKNOWN_ISSUER, crl, "the CRL's issuer is not a configured issuer");
        }
        CrlStore.Offer offer = CrlStore.Offer.SIGNATURE_INVALID;
        for (X509Certificate issuer : named) { // a renewed CA may share its name with the one it replaces
            offer = store.offer(crl, issuer);
            if (offer != CrlStore.Offer.SIGNATURE_INVALID) {
                break;
            }
        }
        return switch (offer) {
            case ACCEPTED -> {
                lastDigests.put(source, digest);
                yield outcome(source, Status.UPDATED, crl, "");
            }
            case UNCHANGED -> {
                lastDigests.put(source, digest);
                yield outcome(source, Status.UNCHANGED, crl, "");
            }
            case OLDER_THAN_HELD -> outcome(source, Status.OLDER_THAN_HELD, crl, "the CRL is older than the one held; the held one is kept");
            case SIGNATURE_INVALID -> outcome(source, Status.SIGNATURE_INVALID, crl, "the CRL is not signed by its issuer; the held one is kept");
            case NOT_COMPLETE -> outcome(source, Status.NOT_COMPLETE, crl, "a delta or partitioned CRL is not taken for the complete CRL; the held one is kept");
        };
    }

    private static Outcome outcome(String source, Status status, X509CRL crl, String details) {
        return new Outcome(source, status, crl.getIssuerX500Principal().getName(), crl.getThisUpdate().toInstant(),
                crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(), details);
    }

    private static Outcome failure(String source, Status status, String details) {
        return new Outcome(source, status, null, null, null, details);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, "no SHA-256 digest", e);
        }
    }
}
