/** The web console for people: server-rendered GOV.UK-style pages behind the same access rules as the API. */
package org.passerelle.gateway.console;
