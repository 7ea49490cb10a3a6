/**
 * The scheme's accountability reports: counts and durations per partner over a period, as CSV, as a page of the
 * console, and signed by the node (CMS SignedData) so that whoever receives one can check where it came from.
 */
package org.passerelle.gateway.reports;
