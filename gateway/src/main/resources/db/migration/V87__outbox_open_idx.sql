-- The outbox claim (MessageStore.claimDue) walks the open entries of one kind in id order. With only the primary key
-- to walk, PostgreSQL stepped over every DONE entry first: 70 ms a poll with 280,000 done and 20,000 open entries,
-- 0.35 ms with this index (measured with EXPLAIN ANALYZE). Plain (not partial) so that H2 has it too.
create index outbox_open_idx on outbox (kind, state, id);
