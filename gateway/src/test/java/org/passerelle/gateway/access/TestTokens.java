package org.passerelle.gateway.access;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

/** An identity provider for tests: its own RSA key, a JWK set to publish, and tokens signed with it (or forged). */
final class TestTokens {

    static final String ISSUER = "https://idp.test/realms/passerelle";
    static final String AUDIENCE = "passerelle-gb";

    private final RSAKey key;

    TestTokens(String keyId) {
        try {
            key = new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK set, as the provider publishes it. */
    String jwkSet() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** Claims of a valid token for {@code user} at {@code now}, to adjust before signing. */
    static JWTClaimsSet.Builder claims(String user, Instant now, Map<String, Object> extra) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("sub-" + user)
                .claim("preferred_username", user).issueTime(Date.from(now.minusSeconds(600)))
                .notBeforeTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.plusSeconds(300)));
        extra.forEach(b::claim);
        return b;
    }

    String sign(JWTClaimsSet.Builder claims) {
        return sign(claims, b -> { });
    }

    String sign(JWTClaimsSet.Builder claims, Consumer<JWTClaimsSet.Builder> change) {
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same claims with {@code "alg":"none"} and no signature. */
    static String unsigned(JWTClaimsSet.Builder claims) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        return header + "." + Base64URL.encode(claims.build().toString()) + ".";
    }
}
