package org.passerelle.gateway.access;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the back-end API ({@code passerelle.api}).
 *
 * @param tokens bearer tokens accepted in the embedded default; production uses mutual-TLS client certificates
 */
@ConfigurationProperties("passerelle.api")
public record ApiProperties(@DefaultValue List<Token> tokens) {

    /**
     * One API token.
     *
     * @param name   who holds it (recorded as the actor of what it does)
     * @param sha256 the SHA-256 (hex) of the token; the token itself is never configured
     * @param roles  what it may do: {@code SYSTEM} (submit and read messages), {@code ADMIN} (replay parked messages)
     */
    public record Token(String name, String sha256, List<String> roles) {
    }
}
