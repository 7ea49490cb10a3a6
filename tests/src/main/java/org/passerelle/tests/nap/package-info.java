/**
 * A simulated partner national access point: the partner's back-end for tests and the demo, which enrols subjects
 * from ANSI/NIST-ITL transactions and answers biometric searches by really matching fingerprints (SourceAFIS).
 */
package org.passerelle.tests.nap;
