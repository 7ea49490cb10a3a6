package org.passerelle.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node refuses to start with users or tokens whose attributes cannot decide access, saying which and why. */
class AccessPropertiesTest {

    static final String HASH = "{argon2}$argon2id$v=19$m=16384,t=2,p=1$c2FsdA$aGFzaA";

    @Test
    void liaisonOfficerWithoutAPartnerIsRefusedNamingTheUser() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("lena", HASH, List.of("LIAISON_OFFICER"), null, null, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passerelle.access.users[0] (lena)")
                .hasMessageContaining("a LIAISON_OFFICER needs a partner");
    }

    @Test
    void partnerMustBeATwoLetterPartyCode() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("lena", HASH, List.of("LIAISON_OFFICER"), "France", null, true)))
                .hasMessageContaining("a LIAISON_OFFICER needs a partner (a two-letter party code)");
    }

    @Test
    void caseworkerWithoutATeamIsRefused() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("carl", HASH, List.of("caseworker"), null, " ", true)))
                .hasMessageContaining("(carl): a CASEWORKER needs a team");
    }

    @Test
    void aPasswordInsteadOfAHashIsRefused() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("ann", "hunter2", List.of("AUDITOR"), null, null, true)))
                .hasMessageContaining("(ann): password-hash must be an encoded hash with its id");
    }

    @Test
    void unknownRoleAndSystemRoleAreRefusedForPeople() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("ann", HASH, List.of("SUPERUSER"), null, null, true)))
                .hasMessageContaining("unknown role 'SUPERUSER'");
        assertThatThrownBy(() -> properties(new AccessProperties.User("bot", HASH, List.of("SYSTEM"), null, null, true)))
                .hasMessageContaining("SYSTEM is for back-end systems");
    }

    @Test
    void identityProviderWithoutAnAudienceIsRefused() {
        assertThatThrownBy(() -> new AccessProperties.Oidc("https://idp", "https://idp/jwks", null, List.of("RS256"),
                Duration.ofSeconds(30), "preferred_username", "roles", "partner", "team", Duration.ofSeconds(5)))
                .hasMessageContaining("passerelle.access.oidc.audience is required");
    }

    @Test
    void wellFormedUsersAreAcceptedWithRoleNamesInEitherSpelling() {
        AccessProperties p = properties(
                new AccessProperties.User("lena", HASH, List.of("liaison-officer"), "FR", null, true),
                new AccessProperties.User("ada", HASH, List.of("administrator", "caseworker"), null, "returns", true));

        assertThat(p.users().get(0).parsedRoles()).containsExactly(Caller.Role.LIAISON_OFFICER);
        assertThat(p.users().get(1).parsedRoles()).containsExactly(Caller.Role.CASEWORKER, Caller.Role.ADMIN);
    }

    @Test
    void administratorWhoIsAlsoAuditorOrLiaisonOfficerStopsTheNodeNamingTheUser() {
        assertThatThrownBy(() -> properties(new AccessProperties.User("ada", HASH, List.of("administrator", "AUDITOR"), null, null, true)))
                .hasMessageContaining("passerelle.access.users[0] (ada): ADMIN and AUDITOR are never held together");
        assertThatThrownBy(() -> properties(
                new AccessProperties.User("lena", HASH, List.of("LIAISON_OFFICER"), "FR", null, true),
                new AccessProperties.User("lars", HASH, List.of("LIAISON_OFFICER", "ADMIN"), "FR", null, true)))
                .hasMessageContaining("passerelle.access.users[1] (lars): ADMIN and LIAISON_OFFICER are never held together")
                .hasMessageNotContaining("lena");
    }

    @Test
    void apiTokenHoldingRolesNeverHeldTogetherIsRefused() {
        assertThatThrownBy(() -> new ApiProperties.Token("ops", "0".repeat(64), List.of("ADMIN", "AUDITOR"), null, null))
                .hasMessageContaining("token 'ops': ADMIN and AUDITOR are never held together");
        assertThatThrownBy(() -> new ApiProperties.Token("desk", "0".repeat(64), List.of("ADMIN", "LIAISON_OFFICER"), "FR", null))
                .hasMessageContaining("token 'desk': ADMIN and LIAISON_OFFICER are never held together");
        assertThat(new ApiProperties.Token("ops", "0".repeat(64), List.of("ADMIN", "SYSTEM"), null, null).caller().roles())
                .containsExactlyInAnyOrder(Caller.Role.ADMIN, Caller.Role.SYSTEM);
    }

    @Test
    void apiTokenWithAnUnknownRoleIsRefused() {
        assertThatThrownBy(() -> new ApiProperties.Token("x", "0".repeat(64), List.of("ROOT"), null, null))
                .hasMessageContaining("token 'x': unknown role 'ROOT'");
    }

    @Test
    void liaisonOfficerTokenWithoutAPartnerIsRefused() {
        assertThatThrownBy(() -> new ApiProperties.Token("desk", "0".repeat(64), List.of("LIAISON_OFFICER"), null, null))
                .hasMessageContaining("token 'desk': a LIAISON_OFFICER needs a partner");
    }

    private static AccessProperties properties(AccessProperties.User... users) {
        return new AccessProperties(List.of(users), 5, Duration.ofMinutes(15), new AccessProperties.Oidc(null, null, null,
                List.of("RS256"), Duration.ofSeconds(30), "preferred_username", "roles", "partner", "team", Duration.ofSeconds(5)), false, Map.of(), 60, Duration.ofMinutes(1));
    }
}
