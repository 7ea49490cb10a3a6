-- The weekly reconciliation becomes joint (issue 16): a node answers each partner statement with an
-- EquivalenceReconciliation (AGREED countersigns it; DISPUTED gives its counts and cases), and keeps the answer it
-- sent (INBOUND rows: reply_message_id) and the answer it got (OUTBOUND rows: the partner's outcome, counts and the
-- cases in dispute named by comparing the partner's cases with this node's).
alter table ledger_statement add column reply_message_id varchar(36);
alter table ledger_statement add column partner_outcome varchar(16);
alter table ledger_statement add column partner_returns integer;
alter table ledger_statement add column partner_admissions integer;
alter table ledger_statement add column disputed_cases varchar(4000);
alter table ledger_statement add column replied_at timestamp with time zone;
create index ledger_statement_msg_idx on ledger_statement (message_id);
