package org.passerelle.gateway.agreement;

import java.util.function.Predicate;
import org.passerelle.contracts.readmission.v1.VulnerabilityScreening;

/** A screening outcome that excludes a person from readmission; its name is the rule a refusal reports. */
public enum Exclusion {
    UNACCOMPANIED_CHILD(VulnerabilityScreening::isUnaccompaniedChild),
    EXCLUDING_MEDICAL_CONDITION(VulnerabilityScreening::isExcludingMedicalCondition),
    /** A National Referral Mechanism (trafficking) referral not yet decided. */
    PENDING_TRAFFICKING_REFERRAL(VulnerabilityScreening::isPendingTraffickingReferral),
    PENDING_HUMAN_RIGHTS_CLAIM(VulnerabilityScreening::isPendingHumanRightsClaim),
    SUSPENSIVE_APPEAL_OR_INJUNCTION(VulnerabilityScreening::isSuspensiveAppealOrInjunction);

    private final Predicate<VulnerabilityScreening> flagged;

    Exclusion(Predicate<VulnerabilityScreening> flagged) {
        this.flagged = flagged;
    }

    public boolean applies(VulnerabilityScreening screening) {
        return flagged.test(screening);
    }
}
