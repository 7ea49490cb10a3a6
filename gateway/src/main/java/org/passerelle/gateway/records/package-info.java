/**
 * The records query API: messages and cases searched and viewed by officers, caseworkers, auditors, administrators
 * and systems, each scoped and audited by {@link org.passerelle.gateway.access.AccessRules}, payloads shown field by
 * field as the role allows and biometric data never.
 */
package org.passerelle.gateway.records;
