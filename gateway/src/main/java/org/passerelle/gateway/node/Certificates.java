package org.passerelle.gateway.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads X.509 certificates from PEM or DER files named in configuration. */
public final class Certificates {

    private Certificates() {
    }

    /** Every certificate in the file (a PEM file may hold several). */
    public static List<X509Certificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read certificates from " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Not an X.509 certificate file: " + file, e);
        }
    }

    /** The one certificate in the file. */
    public static X509Certificate readOne(Path file) {
        List<X509Certificate> all = read(file);
        if (all.size() != 1) {
            throw new IllegalStateException(file + " holds " + all.size() + " certificates, expected one");
        }
        return all.get(0);
    }
}
