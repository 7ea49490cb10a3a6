package org.passerelle.security.pki;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line for the development PKI: {@code DevPkiGenerator OUTPUT_DIR [PARTY ...] [--force]} (default
 * parties GB FR BE); refuses to overwrite an existing PKI unless {@code --force} is given.
 */
public final class DevPkiGenerator {

    private DevPkiGenerator() {
    }

    public static void main(String[] args) {
        List<String> parties = new ArrayList<>();
        boolean force = false;
        Path directory = null;
        for (String arg : args) {
            if (arg.equals("--force")) {
                force = true;
            } else if (directory == null) {
                directory = Path.of(arg);
            } else {
                parties.add(arg);
            }
        }
        if (directory == null) {
            System.err.println("usage: DevPkiGenerator OUTPUT_DIR [PARTY ...] [--force]   (default parties: GB FR BE)");
            System.exit(2);
            return;
        }
        try {
            DevPki pki = DevPki.generate(directory, parties, force);
            System.out.println("Development PKI for " + String.join(" ", pki.parties()) + " written to " + pki.directory().toAbsolutePath());
            System.out.println("Files are listed in " + pki.readme().toAbsolutePath());
            System.out.println("Password of every PKCS#12 file: " + DevPki.PASSWORD);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            String reason = e instanceof UncheckedIOException io ? String.valueOf(io.getCause().getMessage()) : e.getMessage();
            System.err.println("DevPkiGenerator: " + reason);
            System.exit(1);
        }
    }
}
