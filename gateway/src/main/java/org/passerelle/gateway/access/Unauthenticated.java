package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers 401 with the {@code UNAUTHENTICATED} problem and the challenges the API accepts, the same whatever went
 * wrong (an unknown user, a wrong password and a locked account look alike). A request that presented nothing
 * is audited here; a refused sign-in was already audited with its reason.
 */
final class Unauthenticated implements AuthenticationEntryPoint {

    /** Set on a request whose refused credential has been audited (so it is not audited twice). */
    static final String AUDITED = Unauthenticated.class.getName() + ".audited";

    static final String BODY = "{\"status\":401,\"title\":\"Authentication required\",\"code\":\"UNAUTHENTICATED\",\"details\":[]}";

    private final AccessRefusals refusals;

    Unauthenticated(AccessRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (!(e instanceof LoginRefusedException) && request.getAttribute(AUDITED) == null) {
            refusals.unauthenticated(request);
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        boolean badToken = e instanceof LoginRefusedException refused && refused.bearer();
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE,
                badToken ? "Bearer realm=\"passerelle\", error=\"invalid_token\"" : "Bearer realm=\"passerelle\"");
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"passerelle\", charset=\"UTF-8\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write(BODY);
    }
}
