package org.passerelle.gateway.console;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console's settings ({@code passerelle.console}; its OpenID Connect sign-in is {@code ConsoleOidcProperties}).
 *
 * @param language the language every console page speaks, whatever the browser asks for: the node's party's official
 *                 language ({@code en}, {@code fr}), from the message bundle {@code messages/console}; a language the
 *                 bundle lacks falls back to English
 */
@ConfigurationProperties("passerelle.console")
record ConsoleProperties(@DefaultValue("en") Locale language) {
}
