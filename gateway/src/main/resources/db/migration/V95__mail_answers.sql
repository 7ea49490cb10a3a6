-- Partners on S/MIME mail (issue 17): a partner answers a mailed message with a mail of its own, its signed receipt
-- or a signed fault. The answer is checked on arrival (signed by the partner's gateway, about a message this node
-- mailed it and has not settled) and held here until the message's outbox entry, made due at once, takes it: a
-- receipt is then verified as the native exchange verifies one, a fault parks the message. One answer per message
-- and partner: a second (the partner answering a mail sent again) is the same receipt and is dropped.
create table mail_answer (
    message_id   varchar(36)  not null,
    partner      varchar(2)   not null,
    kind         varchar(8)   not null,
    code         varchar(64),
    answer       bytea        not null,
    received_at  timestamp with time zone not null,
    primary key (message_id, partner)
);
