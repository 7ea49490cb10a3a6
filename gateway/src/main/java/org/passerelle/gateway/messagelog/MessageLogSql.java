package org.passerelle.gateway.messagelog;

/**
 * The message log as other features read it inside their own SQL, where they select, filter and page by messages in
 * one statement: the log's tables are named here and in {@link MessageStore} only. Each fragment is a sub-select or a
 * condition; {@code which} is a condition over {@code m.message_id} and {@code m.conversation_id}, the columns every
 * fragment gives a message under the alias {@code m}.
 */
public final class MessageLogSql {

    /**
     * Every message as one row: {@code message_id, conversation_id, message_type, partner} (the other party),
     * {@code direction, status, accepted_at, updated_at}.
     */
    public static final String MESSAGES = """
            select m.message_id, m.conversation_id, m.message_type,
              case when m.direction = 'OUTBOUND' then m.to_party else m.from_party end as partner,
              m.direction, m.status, m.accepted_at, m.updated_at
            from message m""";

    private MessageLogSql() {
    }

    /** A sub-select of the conversation ids of the messages whose ids the sub-select {@code messageIds} gives. */
    public static String conversationsOf(String messageIds) {
        return "select m.conversation_id from message m where m.message_id in (" + messageIds + ")";
    }

    /** A select of the ids of the messages matching {@code which}, oldest first. */
    public static String messagesWhere(String which) {
        return "select m.message_id from message m where (" + which + ") order by m.accepted_at";
    }

    /**
     * A condition: some message matching {@code which} still holds its payload and waits for no delivery (no PENDING
     * outbox entry), so retention has something left to erase.
     */
    public static String payloadLeftWhere(String which) {
        return """
                exists (select 1 from message m join message_payload p on p.message_id = m.message_id
                        where p.purged_at is null
                          and not exists (select 1 from outbox o where o.message_id = m.message_id
                                          and o.state = 'PENDING') and (%s))""".formatted(which);
    }
}
