package org.passerelle.gateway.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.PartyIdentity;
import org.passerelle.security.SecurityCheckException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates by mutual-TLS client certificate (when the API port runs HTTPS with client authentication): the
 * certificate must validate against this party's own anchors and name a system of this party (a back-end system),
 * or, where officer certificates are switched on, an officer of this party (a person, with the roles the certificate
 * states and the partner and team configured for that officer id).
 */
final class SystemCertificateFilter extends OncePerRequestFilter {

    private final CertificateValidator validator;
    private final String ownParty;
    private final Clock clock;
    private final AccessProperties access;
    private final LoginAudit audit;

    SystemCertificateFilter(CertificateValidator validator, String ownParty, Clock clock, AccessProperties access,
                            LoginAudit audit) {
        this.validator = validator;
        this.ownParty = ownParty;
        this.clock = clock;
        this.access = access;
        this.audit = audit;
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
                    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(new Caller(
                            "system:" + identity.name(), Caller.Kind.SYSTEM, Set.of(Caller.Role.SYSTEM), null, null)));
                } else if (identity.kind() == PartyIdentity.Kind.OFFICER && access.officerCertificates()) {
                    officer(identity, request);
                }
            } catch (SecurityCheckException refused) {
                // Left unauthenticated: the entry point answers 401 (and audits it, unless an officer's refusal was).
                if (access.officerCertificates()) {
                    String officer = officerName(certs[0]);
                    if (officer != null) {
                        audit.failed(officer, LoginAudit.Method.OFFICER_CERTIFICATE, LoginAudit.Reason.CERTIFICATE_INVALID);
                        request.setAttribute(Unauthenticated.AUDITED, Boolean.TRUE);
                    }
                }
            }
        }
        chain.doFilter(request, response);
    }

    private void officer(PartyIdentity identity, HttpServletRequest request) {
        if (!ownParty.equals(identity.party())) {
            refuse(identity.name(), LoginAudit.Reason.CERTIFICATE_INVALID, request);
            return;
        }
        Set<Caller.Role> roles = EnumSet.noneOf(Caller.Role.class);
        for (String r : identity.roles()) {
            Caller.Role role = AccessProperties.role(r);
            if (role != null && role != Caller.Role.SYSTEM) {
                roles.add(role);
            }
        }
        AccessProperties.Attributes attributes = access.officers().get(identity.name());
        String partner = attributes == null ? null : attributes.partner();
        String team = attributes == null ? null : attributes.team();
        if (AccessRules.incompatible(roles) != null) {
            refuse(identity.name(), LoginAudit.Reason.ROLES_INCOMPATIBLE, request);
            return;
        }
        if (AccessProperties.Attributes.missing(roles, partner, team) != null) {
            refuse(identity.name(), LoginAudit.Reason.ATTRIBUTES_MISSING, request);
            return;
        }
        Caller caller = new Caller(identity.name(), Caller.Kind.PERSON, roles,
                roles.contains(Caller.Role.LIAISON_OFFICER) ? partner : null,
                roles.contains(Caller.Role.CASEWORKER) ? team : null);
        audit.granted(caller, LoginAudit.Method.OFFICER_CERTIFICATE);
        SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));
    }

    private void refuse(String officer, LoginAudit.Reason reason, HttpServletRequest request) {
        audit.failed(officer, LoginAudit.Method.OFFICER_CERTIFICATE, reason);
        request.setAttribute(Unauthenticated.AUDITED, Boolean.TRUE);
    }

    /** The officer id a refused certificate claims, or null if it claims none (or cannot be read). */
    private static String officerName(X509Certificate certificate) {
        try {
            PartyIdentity identity = PartyBinding.identityOf(certificate);
            return identity.kind() == PartyIdentity.Kind.OFFICER ? identity.name() : null;
        } catch (SecurityCheckException e) {
            return null;
        }
    }
}
