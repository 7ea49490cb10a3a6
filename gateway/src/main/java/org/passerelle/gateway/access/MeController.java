package org.passerelle.gateway.access;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the API takes the caller for: name, kind, roles and the attributes access is decided on. */
@RestController
@RequestMapping("/api/v1/me")
class MeController {

    /** The caller as the node sees it; never a credential. */
    record Me(String name, Caller.Kind kind, List<String> roles, String partner, String team) {
    }

    @GetMapping
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "The authenticated caller: name, kind, roles, partner and team (any authenticated caller)")
    Me me() {
        Caller c = Callers.current();
        return new Me(c.name(), c.kind(), c.roles().stream().sorted().map(Enum::name).toList(), c.partner(), c.team());
    }
}
