-- Checkpoints of format 2 also sign the root of the Merkle tree (RFC 9162 shape) of entries 1..seq, lowercase hex:
-- org.passerelle.security.audit.MerkleTree, whose leaves are the entries' chain hashes. Null for the format-1
-- checkpoints signed before. Adding a column is neither UPDATE nor DELETE: the append-only triggers (V42) stay as
-- they are, and the runtime role's SELECT and INSERT rights cover the new column.
alter table audit_checkpoint add column merkle_root varchar(64);
