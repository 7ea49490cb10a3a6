package org.passerelle.tests.bench;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
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

/**
 * The measurements behind the security library's provider choices: SHA-256 and AES-256-GCM over the
 * message (JDK against Bouncy Castle) and ECDSA P-256 signing and verification (Bouncy Castle against SunEC).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Short runs by default (ten seconds a benchmark and size, a few minutes a class); -f, -wi, -i, -w, -r override them.
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ProviderBenchmark {

    /** Loaded by name: only the security module may depend on Bouncy Castle at compile time (ArchUnit rule). */
    private static final Provider BC = bouncyCastle();

    @Param({"2048", "512000"})
    public int size;

    private byte[] message;
    private SecretKey key;
    private byte[] nonce;
    private KeyPair ecKeys;
    private byte[] jdkSignature;
    private final SecureRandom random = new SecureRandom();

    @Setup(Level.Trial)
    public void prepare() throws GeneralSecurityException {
        message = new byte[size];
        random.nextBytes(message);
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        key = generator.generateKey();
        nonce = new byte[12];
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        ecKeys = ec.generateKeyPair();
        jdkSignature = sign("SunEC");
    }

    @Benchmark
    public byte[] sha256Jdk() throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256", "SUN").digest(message);
    }

    @Benchmark
    public byte[] sha256BouncyCastle() throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256", BC).digest(message);
    }

    @Benchmark
    public byte[] aesGcmJdk() throws GeneralSecurityException {
        return gcm(Cipher.getInstance("AES/GCM/NoPadding", "SunJCE"));
    }

    @Benchmark
    public byte[] aesGcmBouncyCastle() throws GeneralSecurityException {
        return gcm(Cipher.getInstance("AES/GCM/NoPadding", BC));
    }

    @Benchmark
    public byte[] ecdsaP256SignBouncyCastle() throws GeneralSecurityException {
        return sign(null);
    }

    @Benchmark
    public byte[] ecdsaP256SignJdk() throws GeneralSecurityException {
        return sign("SunEC");
    }

    @Benchmark
    public boolean ecdsaP256VerifyBouncyCastle() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA", BC);
        signature.initVerify(ecKeys.getPublic());
        signature.update(message, 0, Math.min(message.length, 256));
        return signature.verify(jdkSignature);
    }

    @Benchmark
    public boolean ecdsaP256VerifyJdk() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA", "SunEC");
        signature.initVerify(ecKeys.getPublic());
        signature.update(message, 0, Math.min(message.length, 256));
        return signature.verify(jdkSignature);
    }

    /** Signs the first 256 bytes (a CMS signature covers only the signed attributes, not the content). */
    private byte[] sign(String jdkProvider) throws GeneralSecurityException {
        Signature signature = jdkProvider == null ? Signature.getInstance("SHA256withECDSA", BC)
                : Signature.getInstance("SHA256withECDSA", jdkProvider);
        signature.initSign(ecKeys.getPrivate());
        signature.update(message, 0, Math.min(message.length, 256));
        return signature.sign();
    }

    private static Provider bouncyCastle() {
        try {
            return (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Bouncy Castle is not on the class path", e);
        }
    }

    private byte[] gcm(Cipher cipher) throws GeneralSecurityException {
        random.nextBytes(nonce); // a fresh nonce each time, as the CMS encryptor does
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        return cipher.doFinal(message);
    }
}
