package org.passerelle.gateway.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.PartyIdentity;
import org.passerelle.security.SecurityCheckException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a back-end system by its mutual-TLS client certificate (when the API port runs HTTPS with client
 * authentication): the certificate must validate against this party's own anchors and name a system of this party.
 */
final class SystemCertificateFilter extends OncePerRequestFilter {

    private final CertificateValidator validator;
    private final String ownParty;
    private final Clock clock;

    SystemCertificateFilter(CertificateValidator validator, String ownParty, Clock clock) {
        this.validator = validator;
        this.ownParty = ownParty;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object attribute = request.getAttribute("jakarta.servlet.request.X509Certificate");
        if (attribute instanceof X509Certificate[] certs && certs.length > 0
                && SecurityContextHolder.getContext().getAuthentication() == null) {
            try {
                List<X509Certificate> rest = Arrays.asList(certs).subList(1, certs.length);
                validator.validate(certs[0], rest, clock.instant(), ownParty);
                PartyIdentity identity = PartyBinding.identityOf(certs[0]);
                if (identity.kind() == PartyIdentity.Kind.SYSTEM && ownParty.equals(identity.party())) {
                    SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                            "system:" + identity.name(), null, List.of(new SimpleGrantedAuthority("ROLE_SYSTEM"))));
                }
            } catch (SecurityCheckException refused) {
                // Left unauthenticated: the entry point answers 401 and audits it.
            }
        }
        chain.doFilter(request, response);
    }
}
