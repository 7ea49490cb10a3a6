-- Partners an administrator has suspended: nothing is sent to them (messages wait in the outbox) and their messages
-- are answered 503 PARTNER_SUSPENDED (they retry later). Shared by every node of the party; the history of
-- suspensions and resumptions is in the audit log.
create table partner_suspension (
    party         varchar(2)   not null primary key,
    reason        varchar(200) not null,
    suspended_by  varchar(128) not null,
    suspended_at  timestamp with time zone not null
);
