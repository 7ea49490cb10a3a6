package org.passerelle.gateway.exchange.mail;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partners' answers to mailed messages, held from their arrival until the message's outbox entry takes them
 * ({@code mail_answer}): a signed receipt to verify, or the code of a signed fault.
 */
@Component
public class MailAnswers {

    /** What a partner answered a message with. */
    public enum Kind { RECEIPT, FAULT }

    /** One held answer: a receipt's signed bytes, or a fault's code (its signed bytes kept with it). */
    public record Answer(Kind kind, String code, byte[] signed) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    MailAnswers(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Holds the partner's answer to the message; false when one is held already (the first stands). */
    public boolean hold(String messageId, String partner, Kind kind, String code, byte[] signed) {
        return jdbc.sql("""
                insert into mail_answer (message_id, partner, kind, code, answer, received_at)
                select :id, :partner, :kind, :code, :answer, :now
                where not exists (select 1 from mail_answer where message_id = :id and partner = :partner)""")
                .param("id", messageId).param("partner", partner).param("kind", kind.name()).param("code", code)
                .param("answer", signed).param("now", clock.instant().atOffset(ZoneOffset.UTC)).update() == 1;
    }

    /** Whether an answer to the message is held. */
    public boolean held(String messageId, String partner) {
        return jdbc.sql("select count(*) from mail_answer where message_id = :id and partner = :partner")
                .param("id", messageId).param("partner", partner).query(Long.class).single() > 0;
    }

    /** Takes the answer held for the message, if any: it is no longer held once taken. */
    @Transactional
    public Optional<Answer> take(String messageId, String partner) {
        Optional<Answer> held = jdbc.sql("select kind, code, answer from mail_answer where message_id = :id and partner = :partner")
                .param("id", messageId).param("partner", partner)
                .query((rs, n) -> new Answer(Kind.valueOf(rs.getString("kind")), rs.getString("code"), rs.getBytes("answer")))
                .optional();
        held.ifPresent(a -> jdbc.sql("delete from mail_answer where message_id = :id and partner = :partner")
                .param("id", messageId).param("partner", partner).update());
        return held;
    }
}
