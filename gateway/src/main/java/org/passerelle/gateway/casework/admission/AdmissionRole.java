package org.passerelle.gateway.casework.admission;

/**
 * Which side of a case this node is on: the node that received the referral decides (the UK), the node that sent
 * it refers (the partner state). Presence and security checks happen on the deciding side only, so the referring
 * side learns of them through the eligibility result and the decision.
 */
enum AdmissionRole {
    DECIDING,
    REFERRING
}
