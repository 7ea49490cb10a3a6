package org.passerelle.gateway.access;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Prints the hash to configure as a user's {@code password-hash}, from a password read from the console (or the first
 * line of standard input), so that no password is ever written into configuration:
 * {@code java -cp passerelle-gateway-exec.jar -Dloader.main=org.passerelle.gateway.access.PasswordHash
 * org.springframework.boot.loader.launch.PropertiesLauncher}.
 */
public final class PasswordHash {

    private PasswordHash() {
    }

    /** The node's password encoder: Argon2id for new hashes, each hash prefixed with its algorithm id. */
    public static PasswordEncoder encoder() {
        return new DelegatingPasswordEncoder("argon2", Map.of(
                "argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), "bcrypt", new BCryptPasswordEncoder()));
    }

    public static void main(String[] args) throws IOException {
        Console console = System.console();
        char[] password = console != null ? console.readPassword("Password: ")
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("").toCharArray();
        if (password == null || password.length == 0) {
            System.err.println("No password given");
            System.exit(2);
        }
        System.out.println(encoder().encode(new String(password)));
    }
}
