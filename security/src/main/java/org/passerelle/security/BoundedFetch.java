package org.passerelle.security;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a small document (a CRL, an OCSP response) over HTTP within one overall deadline and a size bound: the
 * JDK's request timeout covers only the wait for the response's head, so a server that sends its head and then
 * trickles the body would otherwise hold the caller — the trust refresh, or a TLS handshake — for as long as it likes.
 */
final class BoundedFetch {

    /** What the fetch came to: the body of a 200 answer, or why there is none. */
    record Result(int status, byte[] body, Failure failure) {
    }

    /** Why a fetch gave nothing. */
    enum Failure { TIMED_OUT, TOO_LARGE, UNREACHABLE, HTTP_STATUS }

    private static final ExecutorService FETCHES = Executors.newVirtualThreadPerTaskExecutor();

    private BoundedFetch() {
    }

    static Result fetch(HttpClient http, HttpRequest request, int maxBytes, Duration deadline) throws InterruptedException {
        Future<Result> fetch = FETCHES.submit(() -> {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    return new Result(response.statusCode(), null, Failure.HTTP_STATUS);
                }
                byte[] bytes = in.readNBytes(maxBytes + 1);
                return bytes.length > maxBytes ? new Result(200, null, Failure.TOO_LARGE) : new Result(200, bytes, null);
            }
        });
        try {
            return fetch.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Interrupting the reader closes its stream's connection; the caller moves on either way.
            fetch.cancel(true);
            return new Result(0, null, Failure.TIMED_OUT);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) {
                throw (InterruptedException) cause;
            }
            return new Result(0, null, Failure.UNREACHABLE);
        } catch (InterruptedException e) {
            fetch.cancel(true);
            throw e;
        }
    }
}
