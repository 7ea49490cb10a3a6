package org.passerelle.gateway.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The configured data-sharing is carried into the agreement once, for a version recorded before data-sharing was the
 * agreement's; a version that states none (an approved end of sharing) is never filled in from the configuration.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DataSharingCarryOverTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
    }

    @Autowired
    AgreementAdministration administration;
    @Autowired
    AgreementVersions versions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @Test
    void onlyAVersionFromBeforeDataSharingWasTheAgreementsTakesTheConfiguredEntries() {
        // given the configured data-sharing in version 1
        assertThat(versions.inForce().orElseThrow().scheme().dataSharing()).containsKey("FR");
        String document = jdbc.queryForObject("select document from agreement_version where status = 'IN_FORCE'",
                String.class);

        // when a version that states no data-sharing at all (written before it was the agreement's) is in force
        tools.jackson.databind.node.ObjectNode legacy = (tools.jackson.databind.node.ObjectNode) json.readTree(document);
        legacy.remove("dataSharing");
        putInForce(json.writeValueAsString(legacy));
        assertThat(versions.statesDataSharing(inForceId())).isFalse();
        administration.afterSingletonsInstantiated();

        // then the configured entries are carried over, by the configuration, once
        assertThat(versions.statesDataSharing(inForceId())).isTrue();
        assertThat(versions.inForce().orElseThrow().scheme().dataSharing()).containsKey("FR");
        assertThat(jdbc.queryForObject("select note from agreement_version where status = 'IN_FORCE'", String.class))
                .isEqualTo("data-sharing carried over from the configuration");

        // when a version that ends all sharing ("dataSharing": {}) is in force, then a start leaves it so
        tools.jackson.databind.node.ObjectNode none = (tools.jackson.databind.node.ObjectNode) json.readTree(document);
        none.putObject("dataSharing");
        putInForce(json.writeValueAsString(none));
        long ended = inForceId();
        assertThat(versions.inForce().orElseThrow().scheme().dataSharing()).isEmpty();
        administration.afterSingletonsInstantiated();
        assertThat(inForceId()).isEqualTo(ended);
        assertThat(versions.inForce().orElseThrow().scheme().dataSharing()).isEmpty();
    }

    private void putInForce(String document) {
        jdbc.update("update agreement_version set status = 'SUPERSEDED' where status = 'IN_FORCE'");
        jdbc.update("""
                insert into agreement_version (document, sha256, status, needs_approval, changes, proposed_by, proposed_at)
                values (?, 'test', 'IN_FORCE', false, 'test', 'test', current_timestamp)""", document);
    }

    private long inForceId() {
        return jdbc.queryForObject("select id from agreement_version where status = 'IN_FORCE'", Long.class);
    }
}
