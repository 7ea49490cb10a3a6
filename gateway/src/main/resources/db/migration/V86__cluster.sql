-- Several nodes of one party on one database (issue 13).

-- The party's nodes: each beats every few seconds (database time). A node whose beat is older than the configured
-- staleness is taken for dead: a live node marks it LOST, releases its outbox and gallery claims and its job locks at
-- once, and audits it, instead of leaving its work to wait out the claims' lease. A node starting under the id of a
-- node that still beats is refused (two processes must never share an id: each would settle the other's claims).
create table cluster_node (
    node_id       varchar(64)  primary key,
    instance      varchar(36)  not null,                 -- this start of the node (a random UUID)
    state         varchar(8)   not null,                 -- UP, LEFT (stopped cleanly), LOST (stopped beating)
    version       varchar(40),
    started_at    timestamp with time zone not null,
    heartbeat_at  timestamp with time zone not null
);

-- A node's claims are renewed at each heartbeat and released by the others when it stops beating.
create index outbox_claimed_idx on outbox (claimed_by);

-- ShedLock's table: one row per periodic job, held by the node running it (locked_by is its node id).
create table shedlock (
    name        varchar(64)  primary key,
    lock_until  timestamp    not null,
    locked_at   timestamp    not null,
    locked_by   varchar(255) not null
);

-- Per-person allowances (searches, record views) counted across the party's nodes: one row per person, kind and
-- fixed window; windows older than a day are deleted as new ones open.
create table rate_window (
    subject       varchar(128) not null,
    kind          varchar(16)  not null,
    window_start  bigint       not null,                -- epoch milliseconds, a multiple of the window's length
    used          integer      not null,
    primary key (subject, kind, window_start)
);
