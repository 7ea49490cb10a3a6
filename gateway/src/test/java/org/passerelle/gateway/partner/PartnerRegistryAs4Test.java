package org.passerelle.gateway.partner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A partner on {@code as4} needs its AS4 endpoint, over https unless plain http is allowed explicitly. */
class PartnerRegistryAs4Test {

    @Test
    void anAs4PartnerWithoutAnEndpointStopsTheNode() {
        assertThatThrownBy(() -> registry(Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("as4.endpoint");
    }

    @Test
    void anAs4PartnerOnPlainHttpStopsTheNodeUnlessAllowed() {
        assertThatThrownBy(() -> registry(Map.of("as4.endpoint", "http://ap.fr.example/as4")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
        assertThat(registry(Map.of("as4.endpoint", "http://ap.fr.example/as4", "as4.allow-plain-http", "true"))
                .require("FR").transport()).isEqualTo(Transport.AS4);
    }

    @Test
    void anAs4PartnerNeedsNoBaseUrlAndTakesTheProfileDefaults() {
        PartnerProperties properties = properties(Map.of("as4.endpoint", "https://ap.fr.example/as4"));
        assertThat(new PartnerRegistry(properties).require("FR").baseUrl()).isNull();
        PartnerProperties.As4 as4 = properties.partners().get("FR").as4();
        assertThat(as4.service()).isEqualTo("urn:passerelle:exchange:v1");
        assertThat(as4.partyIdType()).isEqualTo("urn:oasis:names:tc:ebcore:partyid-type:unregistered");
        assertThat(as4.action("ReadmissionRequest")).isEqualTo("ReadmissionRequest");
        assertThat(as4.allowPlainHttp()).isFalse();
    }

    private static PartnerRegistry registry(Map<String, String> as4) {
        return new PartnerRegistry(properties(as4));
    }

    private static PartnerProperties properties(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("passerelle.partners.FR.transport", "as4");
        settings.put("passerelle.partners.FR.certificate", "fr.pem");
        extra.forEach((key, value) -> settings.put("passerelle.partners.FR." + key, value));
        return new Binder(new MapConfigurationPropertySource(settings)).bind("passerelle", PartnerProperties.class).get();
    }
}
