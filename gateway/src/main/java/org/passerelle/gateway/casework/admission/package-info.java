/** Admission cases on the legal route: their state machine, the eligibility registry, the lapse clock and their API. */
package org.passerelle.gateway.casework.admission;
