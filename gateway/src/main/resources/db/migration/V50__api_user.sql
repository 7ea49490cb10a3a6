-- The embedded user store: people who sign in to the API with a user name and password (the default run).
-- Roles are a comma-separated list; the password hash carries its encoder id, e.g. {argon2}$argon2id$...
create table api_user (
    username        varchar(128) not null primary key,
    password_hash   varchar(512) not null,
    roles           varchar(200) not null,
    partner         varchar(2),
    team            varchar(64),
    enabled         boolean not null,
    failed_attempts integer default 0 not null,
    locked_until    timestamp with time zone,
    created_at      timestamp with time zone not null,
    updated_at      timestamp with time zone not null
);
