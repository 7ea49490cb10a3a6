package org.passerelle.gateway.agreement;

/** The two kinds of case the scheme counts: a return (readmission request) and an admission (referral). */
public enum CaseKind {
    RETURN, ADMISSION
}
