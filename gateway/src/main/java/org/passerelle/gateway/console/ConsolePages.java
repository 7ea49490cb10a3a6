package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.passerelle.gateway.access.AccessProperties;
import org.passerelle.gateway.access.AccessRefusals;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.access.ConsoleOidcProperties;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The console's frame: who is signed in and which node this is (for every page), sign-in and sign-out pages, the
 * start page, and how a refusal or an error is shown — the "you do not have access" page or the error page, each with
 * its stable code, never a stack trace.
 */
@Controller
@ControllerAdvice(basePackageClasses = ConsolePages.class)
@Order(0) // before the API's unscoped ApiErrors, which would otherwise answer a console page's error as JSON
class ConsolePages {

    private final NodeProperties node;
    private final AccessRefusals refusals;
    private final ConsoleWords words;
    private final boolean oidcSignIn;
    private final String oidcButton;

    ConsolePages(NodeProperties node, AccessRefusals refusals, AccessProperties access, ConsoleOidcProperties oidc,
                 ConsoleWords words) {
        this.node = node;
        this.refusals = refusals;
        this.words = words;
        this.oidcSignIn = oidc.enabled(access);
        this.oidcButton = oidc.buttonText() == null || oidc.buttonText().isBlank() ? null : oidc.buttonText();
    }

    @ModelAttribute("me")
    ConsoleUser me() {
        return ConsoleUser.of(Callers.current());
    }

    @ModelAttribute("node")
    NodeProperties node() {
        return node;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/console";
    }

    @GetMapping("/console")
    String home() {
        return "console/home";
    }

    @GetMapping("/console/sign-in")
    String signIn(Model model) {
        // A button text set for the node is shown as it is; otherwise the bundle's, in the console's language.
        model.addAttribute("oidcButton", !oidcSignIn ? null
                : oidcButton != null ? oidcButton : words.text("sign-in.oidc.button"));
        return Callers.current() != null ? "redirect:/console" : "console/sign-in";
    }

    @GetMapping("/console/signed-out")
    String signedOut() {
        return "console/signed-out";
    }

    @GetMapping("/console/timed-out")
    String timedOut() {
        return "console/timed-out";
    }

    @GetMapping("/console/no-access")
    String noAccess(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "console/no-access";
    }

    /** A role rule refused the page: audited here, shown as the no-access page. */
    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    String denied(HttpServletRequest request, HttpServletResponse response, Model model) {
        Caller caller = Callers.current();
        refusals.denied(request, AuditChannel.CONSOLE, GatewayErrorCode.FORBIDDEN);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("code", GatewayErrorCode.FORBIDDEN.name());
        model.addAttribute("me", ConsoleUser.of(caller));
        model.addAttribute("node", node);
        return "console/no-access";
    }

    /**
     * A refusal or failure with a stable code. Refusals by the access rules were audited where they were decided;
     * a 403 shows the no-access page with the reason, anything else the error page.
     */
    @ExceptionHandler(GatewayException.class)
    String refused(GatewayException e, HttpServletResponse response, Model model) {
        response.setStatus(e.status().value());
        model.addAttribute("code", e.code());
        model.addAttribute("me", ConsoleUser.of(Callers.current()));
        model.addAttribute("node", node);
        if (e.status().value() == 403) {
            model.addAttribute("reason", words.problem(e.code().name(), e.getMessage()));
            return "console/no-access";
        }
        model.addAttribute("title", words.text(e.status().is4xxClientError() ? "problem.title" : "problem.title.service"));
        model.addAttribute("message", words.problem(e.code().name(), e.getMessage()));
        return "console/error";
    }
}
