package org.passerelle.tests.access;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in OpenID Connect provider: an EC P-256 key of its own, its public JWK set served by WireMock, and tokens
 * it signs (or that a forger signs with another key under the same key id).
 */
public final class IdentityProvider implements AutoCloseable {

    public static final String ISSUER = "https://idp.passerelle.test/realms/gb";
    public static final String AUDIENCE = "passerelle-gb";
    static final String KEY_ID = "gb-idp-1";

    private final ECKey key;
    private final WireMockServer server;

    private IdentityProvider(ECKey key, WireMockServer server) {
        this.key = key;
        this.server = server;
    }

    /** Generates a key and publishes its JWK set at {@link #jwkSetUri()}. */
    public static IdentityProvider start() {
        ECKey key = newKey();
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        server.stubFor(get(urlPathEqualTo("/certs")).willReturn(aResponse()
                .withHeader("Content-Type", "application/jwk-set+json").withBody(new JWKSet(key.toPublicJWK()).toString())));
        return new IdentityProvider(key, server);
    }

    public String jwkSetUri() {
        return server.baseUrl() + "/certs";
    }

    /**
     * The settings that make a node's API accept this provider's tokens ({@code passerelle.access.oidc}), each key
     * behind {@code prefix} (e.g. {@code "GB:"} for one node of an exchange, {@code ""} for a node of its own).
     */
    public Map<String, Object> apiSettings(String prefix) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(prefix + "passerelle.access.oidc.issuer", ISSUER);
        settings.put(prefix + "passerelle.access.oidc.audience", AUDIENCE);
        settings.put(prefix + "passerelle.access.oidc.jwk-set-uri", jwkSetUri());
        return settings;
    }

    /** Claims of a token valid for five minutes from {@code now}, issued to this node. */
    public static JWTClaimsSet.Builder claims(String user, Instant now) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("id-" + user)
                .claim("preferred_username", user).issueTime(Date.from(now.minusSeconds(600)))
                .notBeforeTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.plusSeconds(300)));
    }

    public String sign(JWTClaimsSet.Builder claims) {
        return sign(key, claims);
    }

    /** Signed by a freshly generated key that claims this provider's key id. */
    static String forge(JWTClaimsSet.Builder claims) {
        return sign(newKey(), claims);
    }

    /** The claims with {@code "alg":"none"} and an empty signature. */
    static String unsigned(JWTClaimsSet.Builder claims) {
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode(claims.build().toString()) + ".";
    }

    private static String sign(ECKey key, JWTClaimsSet.Builder claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(KEY_ID).build(), claims.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(KEY_ID).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The provider's sign-in page for the authorization code flow, at {@link #authorizationUri()}: it shows who will be
     * signed in and a button that sends the browser back to the node's {@code redirect_uri} with a code and the
     * node's {@code state}, as a real provider does once the person has signed in there.
     */
    public void offerSignIn(String who) {
        server.stubFor(get(urlPathEqualTo("/favicon.ico")).willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathEqualTo("/authorize")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8")
                .withTransformers("response-template")
                .withBody("<!DOCTYPE html><html lang=\"en\"><head><title>Stand-in identity provider</title></head><body>"
                        + "<h1>Stand-in identity provider</h1><form method=\"get\" action=\"{{request.query.redirect_uri}}\">"
                        + "<input type=\"hidden\" name=\"code\" value=\"one-time-code\">"
                        + "<input type=\"hidden\" name=\"state\" value=\"{{request.query.state}}\">"
                        + "<button type=\"submit\">Continue as " + who + "</button></form></body></html>")));
    }

    /** A query parameter of the last sign-in request the node sent the browser with (e.g. its {@code nonce}). */
    public String lastAuthorizationParameter(String name) {
        var requests = server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/authorize")));
        return requests.get(requests.size() - 1).queryParameter(name).firstValue();
    }

    /** The token endpoint answers the code with this ID token (and an opaque access token). */
    public void answerCodeWith(String idToken) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/token")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                        + "\"scope\":\"openid profile\",\"id_token\":\"" + idToken + "\"}")));
    }

    public String authorizationUri() {
        return server.baseUrl() + "/authorize";
    }

    public String tokenUri() {
        return server.baseUrl() + "/token";
    }

    @Override
    public void close() {
        server.stop();
    }
}
