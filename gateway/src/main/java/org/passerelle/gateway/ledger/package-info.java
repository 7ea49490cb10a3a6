/** The equivalence ledger: completed returns against completed admissions per partner, the policy they are held to, and the weekly reconciliation of statements between nodes. */
package org.passerelle.gateway.ledger;
