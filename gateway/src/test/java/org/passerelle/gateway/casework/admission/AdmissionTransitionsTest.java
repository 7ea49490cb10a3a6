package org.passerelle.gateway.casework.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdmissionTransitionsTest {

    @Test
    void decidingSideWalksEveryStepFromReferralToArrival() {
        AdmissionState s = AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED;
        for (AdmissionEvent e : new AdmissionEvent[] {AdmissionEvent.PRESENCE_CONFIRMED, AdmissionEvent.BIOMETRICS_ON_FILE,
                AdmissionEvent.ELIGIBLE, AdmissionEvent.SECURITY_CHECK_RECORDED, AdmissionEvent.APPROVED,
                AdmissionEvent.ARRIVAL_CONFIRMED}) {
            s = AdmissionTransitions.next(AdmissionRole.DECIDING, s, e).orElseThrow(() -> new AssertionError(e));
        }
        assertThat(s).isEqualTo(AdmissionState.ARRIVED);
    }

    @Test
    void referringSideFollowsTheMessagesOnly() {
        AdmissionState s = AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED;
        for (AdmissionEvent e : new AdmissionEvent[] {AdmissionEvent.ELIGIBLE, AdmissionEvent.APPROVED,
                AdmissionEvent.ARRIVAL_CONFIRMED}) {
            s = AdmissionTransitions.next(AdmissionRole.REFERRING, s, e).orElseThrow(() -> new AssertionError(e));
        }
        assertThat(s).isEqualTo(AdmissionState.ARRIVED);
        assertThat(AdmissionTransitions.next(AdmissionRole.REFERRING, AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED,
                AdmissionEvent.PRESENCE_CONFIRMED)).isEmpty();
    }

    @Test
    void refusesEligibilityBeforePresenceAndDecisionBeforeSecurityCheck() {
        assertThat(AdmissionTransitions.next(AdmissionRole.DECIDING, AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED,
                AdmissionEvent.ELIGIBLE)).isEmpty();
        assertThat(AdmissionTransitions.next(AdmissionRole.DECIDING, AdmissionState.ELIGIBILITY_CHECKED,
                AdmissionEvent.APPROVED)).isEmpty();
        assertThat(AdmissionTransitions.next(AdmissionRole.DECIDING, AdmissionState.BIOMETRICS_CAPTURED,
                AdmissionEvent.INELIGIBLE)).contains(AdmissionState.REFUSED);
    }

    @Test
    void terminalStatesTakeNothingAndOnlyAnUnconfirmedCaseLapses() {
        for (AdmissionState s : AdmissionState.values()) {
            for (AdmissionEvent e : AdmissionEvent.values()) {
                for (AdmissionRole r : AdmissionRole.values()) {
                    if (s.terminal()) {
                        assertThat(AdmissionTransitions.next(r, s, e)).as(r + " " + s + " " + e).isEmpty();
                    }
                }
            }
            boolean lapses = AdmissionTransitions.next(AdmissionRole.DECIDING, s, AdmissionEvent.LAPSED).isPresent();
            assertThat(lapses).as(s.name()).isEqualTo(s == AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED);
            assertThat(AdmissionTransitions.next(AdmissionRole.REFERRING, s, AdmissionEvent.LAPSED)).isEmpty();
            if (!s.terminal()) {
                assertThat(AdmissionTransitions.next(AdmissionRole.DECIDING, s, AdmissionEvent.WITHDRAWN))
                        .contains(AdmissionState.WITHDRAWN);
            }
        }
    }
}
