package org.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PasserelleApplicationTest {

    @Autowired
    CamelContext camel;

    @Test
    void startsWithARunningCamelContext() {
        assertThat(camel.getStatus().isStarted()).isTrue();
        assertThat(camel.getName()).isEqualTo("passerelle");
    }
}
