package org.passerelle.tests.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.biometrics.TransactionFacts;

/**
 * The ANSI/NIST-ITL transaction check, in milliseconds per transaction: {@code read}, which the codec runs on every
 * message at intake and at the inbox (records parsed, each WSQ image's structure walked, no pixel decoded), against
 * {@code images}, which the gallery runs (every WSQ image decoded). Transactions: the Type-4 tenprint card (14 WSQ
 * images, 673 kB, the largest sample) and the slaps (3 images, 267 kB). Reads the samples from
 * {@code contracts/src/test/resources/biometric-samples/} under the working directory (or the
 * {@code passerelle.samples} system property): run it from the repository's root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NistTransactionCheckBenchmark {

    @Param({"type-4-tpcard.an2", "type-4-14-slaps.an2"})
    public String sample;

    private final NistTransactionCheck check = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);
    private byte[] transaction;

    @Setup(Level.Trial)
    public void load() {
        Path dir = Path.of(System.getProperty("passerelle.samples", "contracts/src/test/resources/biometric-samples"));
        try {
            transaction = Files.readAllBytes(dir.resolve(sample));
        } catch (IOException e) {
            throw new UncheckedIOException("run from the repository's root, or set -Dpasserelle.samples", e);
        }
    }

    @Benchmark
    public TransactionFacts read() {
        return check.read(transaction);
    }

    @Benchmark
    public List<FingerprintImage> images() {
        return check.images(transaction);
    }
}
