package org.passerelle.gateway.records;

import java.lang.reflect.Method;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records, in the transaction that stores a message, the case reference its business body names, so that records
 * can be searched by case and a caseworker's view of messages follows the team of their case.
 */
@Component
class MessageCaseIndex implements MessageObserver {

    private final JdbcClient jdbc;

    MessageCaseIndex(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void accepted(MessageContext message) {
        String ref = caseReferenceOf(message.envelope().getBody());
        if (ref != null) {
            jdbc.sql("insert into message_case (message_id, case_reference) values (:id, :ref)")
                    .param("id", message.facts().messageId()).param("ref", ref).update();
        }
    }

    /** The {@code CaseReference} of the one business body, or null when it has none (statements, receipts, faults). */
    static String caseReferenceOf(Body body) {
        if (body == null) {
            return null;
        }
        for (Method getter : Body.class.getMethods()) {
            if (!getter.getName().startsWith("get") || getter.getParameterCount() != 0
                    || getter.getDeclaringClass() != Body.class) {
                continue;
            }
            Object element = invoke(getter, body);
            if (element == null) {
                continue;
            }
            try {
                Object ref = element.getClass().getMethod("getCaseReference").invoke(element);
                return ref instanceof String s ? s : null;
            } catch (NoSuchMethodException e) {
                return null;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot read the case reference of " + element.getClass(), e);
            }
        }
        return null;
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + getter, e);
        }
    }
}
