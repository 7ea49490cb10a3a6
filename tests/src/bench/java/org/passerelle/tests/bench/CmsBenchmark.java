package org.passerelle.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.VerifiedMessage;
import org.passerelle.security.pki.DevPki;

/**
 * Operations per second of the security library's public API, GB sending to FR: sign, verify (with path
 * validation and CRL), encrypt, decrypt, and the sign+encrypt / decrypt+verify round trips, EC and RSA.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Short runs by default (ten seconds a benchmark and size, a few minutes a class); -f, -wi, -i, -w, -r override them.
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CmsBenchmark {

    @Param({"2048", "512000"})
    public int size;

    private Path directory;
    private byte[] message;
    private CmsSigner signer;
    private CmsSigner rsaSigner;
    private CmsVerifier verifier;
    private CmsEncryptor encryptor;
    private CmsDecryptor decryptor;
    private CmsDecryptor rsaDecryptor;
    private KeyMaterial recipient;
    private KeyMaterial rsaRecipient;
    private byte[] signed;
    private byte[] encrypted;
    private byte[] signedAndEncrypted;
    private byte[] rsaSignedAndEncrypted;

    @Setup(Level.Trial)
    public void generatePki() throws IOException {
        directory = Files.createTempDirectory("passerelle-bench-pki-");
        DevPki pki = DevPki.generate(directory, List.of("GB", "FR"));
        message = new byte[size];
        byte[] pattern = "<case ref=\"BENCH-0001\" status=\"pending\"/>\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            message[i] = pattern[i % pattern.length];
        }
        signer = new CmsSigner(pki.gateway("GB").load());
        rsaSigner = new CmsSigner(pki.gatewayRsa("GB").load());
        verifier = new CmsVerifier(new CertificateValidator(pki.partyTrust()));
        encryptor = new CmsEncryptor();
        recipient = pki.gateway("FR").load();
        rsaRecipient = pki.gatewayRsa("FR").load();
        decryptor = new CmsDecryptor(recipient);
        rsaDecryptor = new CmsDecryptor(rsaRecipient);
        signed = signer.sign(message);
        encrypted = encryptor.encrypt(message, recipient.certificate());
        signedAndEncrypted = encryptor.encrypt(signed, recipient.certificate());
        rsaSignedAndEncrypted = encryptor.encrypt(rsaSigner.sign(message), rsaRecipient.certificate());
    }

    @TearDown(Level.Trial)
    public void deletePki() throws IOException {
        try (Stream<Path> tree = Files.walk(directory)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(message);
    }

    @Benchmark
    public VerifiedMessage verify() {
        return verifier.verify(signed, "GB");
    }

    @Benchmark
    public byte[] encrypt() {
        return encryptor.encrypt(message, recipient.certificate());
    }

    @Benchmark
    public byte[] decrypt() {
        return decryptor.decrypt(encrypted);
    }

    @Benchmark
    public byte[] signAndEncrypt() {
        return encryptor.encrypt(signer.sign(message), recipient.certificate());
    }

    @Benchmark
    public VerifiedMessage decryptAndVerify() {
        return verifier.verify(decryptor.decrypt(signedAndEncrypted), "GB");
    }

    @Benchmark
    public byte[] signAndEncryptRsa() {
        return encryptor.encrypt(rsaSigner.sign(message), rsaRecipient.certificate());
    }

    @Benchmark
    public VerifiedMessage decryptAndVerifyRsa() {
        return verifier.verify(rsaDecryptor.decrypt(rsaSignedAndEncrypted), "GB");
    }
}
