/**
 * The scheme's agreements as data: phases with effective dates, each naming per partner who may be returned, the
 * equivalence policy, caps and clocks; the partner's standing (active, winding down, admissions window); the places
 * that new cases take against the caps, with audited overrides; and the versions of the agreement, changed through the
 * API with a second administrator's approval where exclusions or caps change.
 */
package org.passerelle.gateway.agreement;
