package org.passerelle.gateway.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Health of the data keys (component {@code payloadKeys}): {@code KEYS_UNAVAILABLE} while some stored data key is wrapped under a KEK this node does
 * not hold (what it sealed cannot be opened here), with their ids; otherwise up, with the active key, the current KEK
 * and the keys still wrapped under an earlier KEK (none left: the earlier KEK may be removed from the configuration).
 */
@Component("payloadKeys")
class DataKeysHealth implements HealthIndicator {

    static final Status KEYS_UNAVAILABLE = new Status("KEYS_UNAVAILABLE",
            "some data keys are wrapped under a KEK this node does not hold");

    private final DataKeys keys;
    private final KekProvider keks;

    DataKeysHealth(DataKeys keys, KekProvider keks) {
        this.keys = keys;
        this.keks = keks;
    }

    @Override
    public Health health() {
        DataKeys.Survey survey = keys.survey();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("activeKey", String.valueOf(survey.activeKeyId()));
        details.put("currentKek", survey.currentKekId());
        details.put("kek", keks.description());
        details.put("keys", survey.keys());
        details.put("awaitingRewrap", survey.awaitingRewrap());
        details.put("unavailable", survey.unavailable());
        return (survey.unavailable().isEmpty() ? Health.up() : Health.status(KEYS_UNAVAILABLE)).withDetails(details).build();
    }
}
