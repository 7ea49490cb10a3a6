package org.passerelle.gateway.exchange;

import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Runs every configured {@link MessageRule} and tells every {@link MessageObserver}, in a stable order. */
@Component
public class EdgeHooks {

    private final ObjectProvider<MessageRule> rules;
    private final ObjectProvider<MessageObserver> observers;

    EdgeHooks(ObjectProvider<MessageRule> rules, ObjectProvider<MessageObserver> observers) {
        this.rules = rules;
        this.observers = observers;
    }

    public void check(MessageContext message) {
        rules.orderedStream().forEach(rule -> rule.check(message));
    }

    public void accepted(MessageContext message) {
        observers.orderedStream().forEach(o -> o.accepted(message));
    }

    public void receiptVerified(String messageId, Instant receivedAt) {
        observers.orderedStream().forEach(o -> o.receiptVerified(messageId, receivedAt));
    }

    List<MessageRule> rules() {
        return rules.orderedStream().toList();
    }
}
