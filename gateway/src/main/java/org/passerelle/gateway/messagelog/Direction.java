package org.passerelle.gateway.messagelog;

/** Whether a message came from our own back-end (OUTBOUND) or from a partner node (INBOUND). */
public enum Direction { OUTBOUND, INBOUND }
