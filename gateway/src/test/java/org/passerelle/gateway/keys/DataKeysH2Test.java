package org.passerelle.gateway.keys;

import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link SharedDatabaseKeys} on H2, the embedded database: one in-memory database the simulated nodes share. */
class DataKeysH2Test extends SharedDatabaseKeys {

    private static JdbcClient jdbc;

    @BeforeAll
    static void migrate() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:data-keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        jdbc = JdbcClient.create(h2);
    }

    @Override
    JdbcClient database() {
        return jdbc;
    }
}
