/**
 * Readmission (returns) cases: the case state machine driven by messages and authorised user actions, the scheme's
 * edge rules on readmission requests, and the legal clocks with their overdue alerts.
 */
package org.passerelle.gateway.casework.readmission;
