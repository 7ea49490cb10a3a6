/**
 * The scheme's policies at the node's edge: which categories of data may cross to or from each partner, and how many
 * biometric searches a day and how many candidates per answer each partner is allowed.
 */
package org.passerelle.gateway.policy;
