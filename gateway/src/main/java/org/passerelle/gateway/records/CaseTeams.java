package org.passerelle.gateway.records;

import java.util.Locale;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** Assigns a case its team when it opens, from {@link CaseTeamsProperties}. */
@Component
@EnableConfigurationProperties(CaseTeamsProperties.class)
public class CaseTeams {

    /** The kinds of case a node keeps. */
    public enum Kind { READMISSION, ADMISSION }

    private final CaseTeamsProperties properties;

    public CaseTeams(CaseTeamsProperties properties) {
        this.properties = properties;
    }

    /** The team a new case of this kind with this partner belongs to. */
    public String teamFor(Kind kind, String partner) {
        var overrides = kind == Kind.READMISSION ? properties.readmission() : properties.admission();
        String team = partner == null ? null : overrides.get(partner.toUpperCase(Locale.ROOT));
        return team != null ? team : properties.defaultTeam();
    }
}
