package org.passerelle.gateway.records;

import java.util.List;
import java.util.Optional;

/**
 * One kind of case as records read it, implemented by the casework that owns its tables: its cases in the records'
 * row shape and the team of a message's case, as SQL that {@link RecordsRepository} unions with the messages so that
 * searches filter, sort and page in one statement; and one case's team, history and deadlines.
 */
public interface CaseRecords {

    /** The kind of case these are, as a record's case kind names it. */
    CaseTeams.Kind kind();

    /**
     * A select of every case of this kind with the columns {@code kind} ('CASE'), {@code record_id} (the reference),
     * {@code case_kind}, {@code case_reference}, {@code conversation_id}, {@code message_type} (null),
     * {@code partner}, {@code direction} (null), {@code status} (the state), {@code at} (when it opened),
     * {@code updated_at} and {@code team}, in this order.
     */
    String casesSql();

    /**
     * A scalar sub-select: the team of this kind's case whose reference and partner the SQL expressions
     * {@code caseReference} and {@code partner} give; null when there is none.
     */
    String teamOfSql(String caseReference, String partner);

    /** The team of this kind's case with this reference, empty when none has it (null inside when it has no team). */
    Optional<Optional<String>> teamOf(String caseReference);

    /** The case's transitions, oldest first. */
    List<Records.Step> history(String caseReference, String partner);

    /** The case's legal deadlines that have a due time, each saying whether it is running. */
    List<Records.Deadline> deadlines(String caseReference, String partner);
}
