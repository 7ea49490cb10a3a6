package org.passerelle.gateway.records;

import java.util.List;
import java.util.Map;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.policy.DataCategory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How records show a payload ({@code passerelle.records}). Biometric data (the whole {@code cmn:BiometricSet}) is never
 * shown, whatever this says: only the transaction's SHA-256, size and record counts. Auditors and administrators never
 * see payload fields at all.
 *
 * @param withheld per role that may see payload fields (SYSTEM, LIAISON_OFFICER, CASEWORKER), the data categories (in
 *                 the data-sharing policy's vocabulary, groups allowed) whose fields are withheld from it
 * @param subjectAccessSystems the back-end systems (API token or certificate names) that may make subject access
 *                 requests: the subject-access unit's; none by default, since a request exports a person's records
 * @param operatorRequired whether a back-end must name the responsible person or unit in the header's
 *                 {@code Operator} of every message it submits (refused {@code OPERATOR_REQUIRED} otherwise), so that
 *                 the log of disclosures says who is responsible for each; the node's own messages never name one
 */
@ConfigurationProperties("passerelle.records")
record RecordsProperties(@DefaultValue Map<Caller.Role, List<DataCategory>> withheld,
                         @DefaultValue List<String> subjectAccessSystems,
                         @DefaultValue("true") boolean operatorRequired) {
}
