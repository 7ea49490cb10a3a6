/**
 * The fingerprint gallery: templates of people returned under a readmission scheme, and the 1:N search of an
 * applicant's fingerprints against them.
 */
package org.passerelle.gateway.gallery;
