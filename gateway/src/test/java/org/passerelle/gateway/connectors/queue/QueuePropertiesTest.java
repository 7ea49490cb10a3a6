package org.passerelle.gateway.connectors.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue connector connects over TLS unless plain AMQP is allowed in so many words, and never shows its password. */
class QueuePropertiesTest {

    @Test
    void plainAmqpIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> settings(false, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("passerelle.connectors.queue.tls=false is refused")
                .hasMessageContaining("allow-plain=true");

        assertThat(settings(false, true).tls()).isFalse();
        assertThat(settings(true, false).tls()).isTrue();
    }

    @Test
    void thePasswordIsNeverShown() {
        assertThat(settings(true, false).toString()).doesNotContain("s3cret").contains("password=(hidden)");
    }

    private static QueueProperties settings(boolean tls, boolean allowPlain) {
        return new QueueProperties("rabbit.example", 5671, "/", "passerelle-gb", "s3cret", tls, allowPlain,
                "gb.submissions", "gb.replies", "gb-biometric-unit", "gb.delivery", Map.of(), 1, Duration.ofSeconds(1));
    }
}
