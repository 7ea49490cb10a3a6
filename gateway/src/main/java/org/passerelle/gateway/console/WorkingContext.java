package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import org.passerelle.gateway.access.Purpose;

/**
 * A liaison officer's working context: why they are looking at records and for which case. Stated once on a form,
 * kept in the HTTP session (never in a URL), shown on every records page, and sent with every query and view.
 */
public record WorkingContext(Purpose purpose, String caseReference) implements Serializable {

    static final String ATTRIBUTE = "console.workingContext";

    static WorkingContext of(HttpSession session) {
        return session == null ? null : (WorkingContext) session.getAttribute(ATTRIBUTE);
    }

    void keep(HttpSession session) {
        session.setAttribute(ATTRIBUTE, this);
    }
}
