package org.passerelle.gateway.records;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which casework team a case belongs to ({@code passerelle.casework.teams}), decided once when the case opens: the
 * team named for the case's kind and partner, else {@code default-team}. Caseworkers see the cases of their team.
 *
 * @param defaultTeam the team of every case no override names
 * @param readmission per partner state (ISO 3166-1 alpha-2), the team of its readmission cases
 * @param admission   per partner state, the team of its admission cases
 */
@ConfigurationProperties("passerelle.casework.teams")
public record CaseTeamsProperties(@DefaultValue("casework") String defaultTeam,
                                  @DefaultValue Map<String, String> readmission,
                                  @DefaultValue Map<String, String> admission) {
}
