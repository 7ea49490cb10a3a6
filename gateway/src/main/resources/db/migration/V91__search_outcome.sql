-- The outcome of each biometric search response accepted (issue 16, reports: hit rates per partner). Counts only:
-- the outcome and the number of candidates, never a candidate.
create table search_outcome (
    message_id   varchar(36) not null primary key,
    partner      varchar(2)  not null,
    direction    varchar(8)  not null,     -- INBOUND: the partner answered our search; OUTBOUND: we answered theirs
    outcome      varchar(20) not null,     -- HIT, NO_HIT, QUALITY_REJECTED, ERROR
    candidates   integer     not null,
    test         boolean     not null,
    at           timestamp with time zone not null
);
create index search_outcome_at_idx on search_outcome (at);

-- The retention pass for biometric search payloads reads messages by type and age.
create index message_type_accepted_idx on message (message_type, accepted_at);
