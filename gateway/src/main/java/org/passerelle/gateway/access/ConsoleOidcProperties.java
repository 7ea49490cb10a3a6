package org.passerelle.gateway.access;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The console's OpenID Connect sign-in ({@code passerelle.console.oidc}): this node as a client of the identity
 * provider configured under {@code passerelle.access.oidc} (whose issuer, key set and claim names it shares), with the
 * authorization code flow and PKCE. Off unless a client id is set and {@code passerelle.access.oidc} is on.
 *
 * @param clientId         this node's client id at the provider; the ID token's audience
 * @param clientSecret     its secret (from the environment, never committed)
 * @param authorizationUri where the browser is sent to sign in
 * @param tokenUri         where the node exchanges the code for the ID token
 * @param buttonText       what the sign-in page's button says; unset, the console's message bundle words it in the
 *                         console's language
 */
@ConfigurationProperties("passerelle.console.oidc")
public record ConsoleOidcProperties(String clientId, String clientSecret, String authorizationUri, String tokenUri,
                                    String buttonText) {

    public boolean enabled(AccessProperties access) {
        return access.oidc().enabled() && clientId != null && !clientId.isBlank();
    }

    /** The provider settings with the client id as the audience an ID token must name. */
    AccessProperties.Oidc forIdTokens(AccessProperties.Oidc o) {
        return new AccessProperties.Oidc(o.issuer(), o.jwkSetUri(), clientId, o.algorithms(), o.clockSkew(),
                o.nameClaim(), o.rolesClaim(), o.partnerClaim(), o.teamClaim(), o.timeout());
    }
}
