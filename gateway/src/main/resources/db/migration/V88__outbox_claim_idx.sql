-- The outbox claim for one target (MessageStore.claimDue) wants the target's oldest open entries, in id order, and
-- stops at the first few. H2 took outbox_due_idx (state, next_attempt_at) and sorted every open entry of the kind for
-- each claim, one claim per delivered message: with a backlog of 900 entries, claims took most of a node's CPU and
-- the backlog fed itself. With this index, and the claim ordering by its columns (kind, target, state, id), H2 and
-- PostgreSQL read the entries in index order and stop after the first that qualify.
create index outbox_claim_idx on outbox (kind, target, state, id);
