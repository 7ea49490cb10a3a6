-- Biometric searches counted per partner, direction and calendar day against the configured caps.
-- One row per (partner, direction, day), incremented in the transaction that stores the search with a conditional
-- update: the row lock serialises concurrent searches, so several nodes sharing the database never exceed the cap.
create table search_quota (
    partner    varchar(2) not null,
    direction  varchar(8) not null,   -- OUTBOUND (our searches to the partner) or INBOUND (the partner's to us)
    quota_day  date       not null,   -- in passerelle.search-limits.zone
    used       integer    not null,
    primary key (partner, direction, quota_day)
);
