/** Reads the ANSI/NIST-ITL transaction a message carries and refuses one that is malformed or contradicts the body. */
package org.passerelle.contracts.biometrics;
