-- Records access: the team a case belongs to (caseworkers see the cases of their team), assigned when the case opens
-- from passerelle.casework.teams; cases opened before this migration belong to no team until one is set.
alter table readmission_case add column team varchar(64);
alter table admission_case add column team varchar(64);
create index readmission_case_team_idx on readmission_case (team);
create index admission_case_team_idx on admission_case (team);

-- The case reference a message's body names (every business body but the equivalence statement names one), recorded
-- when the message is accepted, so that records can be searched by case and a case's messages scoped like the case.
create table message_case (
    message_id      varchar(36) not null primary key references message (message_id),
    case_reference  varchar(20) not null
);
create index message_case_ref_idx on message_case (case_reference);
