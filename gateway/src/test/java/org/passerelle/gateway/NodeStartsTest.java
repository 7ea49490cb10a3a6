package org.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class NodeStartsTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
    }

    @Autowired
    CamelContext camel;

    @Autowired
    JdbcClient jdbc;

    @Test
    void startsWithBothDeliveryRoutesAndAMigratedMessageLog() {
        assertThat(camel.getStatus().isStarted()).isTrue();
        assertThat(camel.getName()).isEqualTo("passerelle-GB");
        assertThat(camel.getRoutes()).extracting(r -> r.getRouteId()).contains("outbox-send", "outbox-dispatch");
        assertThat(jdbc.sql("select count(*) from message").query(Long.class).single()).isZero();
        // The data key is in the database, wrapped under the party's KEK; nothing of it in the data folder.
        assertThat(jdbc.sql("select count(*) from payload_data_key where active = 'Y'").query(Long.class).single()).isOne();
        assertThat(data.resolve("payload-data.key")).doesNotExist();
        assertThat(data.resolve("payload-kek.p12")).doesNotExist();
    }
}
