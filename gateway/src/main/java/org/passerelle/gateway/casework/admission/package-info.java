/** Admission cases on the legal route: their state machine, the gallery's hold on eligibility, the lapse clock and their API. */
package org.passerelle.gateway.casework.admission;
