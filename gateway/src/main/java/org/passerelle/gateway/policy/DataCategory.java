package org.passerelle.gateway.policy;

import java.util.EnumSet;
import java.util.Set;

/**
 * A named category of data that a data-sharing policy may forbid: either a leaf, carried by particular elements of
 * the contract (see {@link ElementCategories}), or a group of leaves.
 */
public enum DataCategory {
    /** {@code cmn:PersonIdentity/FamilyName} and {@code /GivenNames}. */
    NAMES,
    /** {@code cmn:PersonIdentity/DateOfBirth}. */
    DATE_OF_BIRTH,
    /** {@code cmn:PersonIdentity/Nationality}. */
    NATIONALITY,
    /** {@code cmn:PersonIdentity/Sex}. */
    SEX,
    /** Any element of type {@code cmn:IdentityDocument} (document type, number, issuer, expiry). */
    IDENTITY_DOCUMENTS,
    /** {@code cmn:BiometricSet/Transaction} (the ANSI/NIST-ITL records) and {@code cmn:BiometricSet/Fingerprint}. */
    FINGERPRINTS,
    /** {@code cmn:BiometricSet/FacialImage}: the transaction holds a Type-10 face (the codec holds the two to agree). */
    FACIAL_IMAGE,
    /** {@code cmn:BiometricSet/IrisImage}: the transaction holds an iris image. */
    IRIS_IMAGE,
    /** {@code ra:VulnerabilityScreening}: health, trafficking and legal-challenge flags (special category data). */
    VULNERABILITY_SCREENING,
    /** {@code adm:FamilyLink}: the applicant's relationship to a sponsor in the UK. */
    FAMILY_LINK,
    /**
     * {@code bio:Hit}: a Eurodac registration a search matched (member state, category, date, place, reference).
     * Not part of {@link #PERSONAL_DATA}: the answer to a liaison search is exactly what the scheme exchanges, so a
     * policy that wants to withhold it names it on its own.
     */
    EURODAC_HITS,

    /** Who the person is: {@link #NAMES}, {@link #DATE_OF_BIRTH}, {@link #NATIONALITY}, {@link #SEX}. */
    IDENTITY,
    /** {@link #FINGERPRINTS}, {@link #FACIAL_IMAGE} and {@link #IRIS_IMAGE}: the whole {@code cmn:BiometricSet}. */
    BIOMETRICS,
    /**
     * Everything that identifies or describes a person: {@link #IDENTITY}, {@link #IDENTITY_DOCUMENTS},
     * {@link #BIOMETRICS}, {@link #VULNERABILITY_SCREENING} and {@link #FAMILY_LINK}.
     */
    PERSONAL_DATA;

    /** The leaf categories this one stands for: itself when it is a leaf. */
    public Set<DataCategory> leaves() {
        return switch (this) {
            case IDENTITY -> EnumSet.of(NAMES, DATE_OF_BIRTH, NATIONALITY, SEX);
            case BIOMETRICS -> EnumSet.of(FINGERPRINTS, FACIAL_IMAGE, IRIS_IMAGE);
            case PERSONAL_DATA -> {
                EnumSet<DataCategory> all = EnumSet.of(IDENTITY_DOCUMENTS, VULNERABILITY_SCREENING, FAMILY_LINK);
                all.addAll(IDENTITY.leaves());
                all.addAll(BIOMETRICS.leaves());
                yield all;
            }
            default -> EnumSet.of(this);
        };
    }

    /** The leaf categories of all of these. */
    public static Set<DataCategory> leavesOf(Iterable<DataCategory> categories) {
        EnumSet<DataCategory> leaves = EnumSet.noneOf(DataCategory.class);
        categories.forEach(c -> leaves.addAll(c.leaves()));
        return leaves;
    }
}
