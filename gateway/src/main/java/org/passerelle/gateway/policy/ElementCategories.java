package org.passerelle.gateway.policy;

import static org.passerelle.gateway.policy.DataCategory.DATE_OF_BIRTH;
import static org.passerelle.gateway.policy.DataCategory.EURODAC_HITS;
import static org.passerelle.gateway.policy.DataCategory.FACIAL_IMAGE;
import static org.passerelle.gateway.policy.DataCategory.FAMILY_LINK;
import static org.passerelle.gateway.policy.DataCategory.FINGERPRINTS;
import static org.passerelle.gateway.policy.DataCategory.IDENTITY_DOCUMENTS;
import static org.passerelle.gateway.policy.DataCategory.IRIS_IMAGE;
import static org.passerelle.gateway.policy.DataCategory.NAMES;
import static org.passerelle.gateway.policy.DataCategory.NATIONALITY;
import static org.passerelle.gateway.policy.DataCategory.SEX;
import static org.passerelle.gateway.policy.DataCategory.VULNERABILITY_SCREENING;

import java.util.Map;
import java.util.Set;
import org.passerelle.contracts.admission.v1.FamilyLink;
import org.passerelle.contracts.biometric.v1.Hit;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.common.v1.IdentityDocument;
import org.passerelle.contracts.common.v1.PersonIdentity;
import org.passerelle.contracts.readmission.v1.VulnerabilityScreening;

/**
 * Where each leaf {@link DataCategory} sits in the version 1 contract. The mapping is by schema type (the bound
 * class), not by element name, so that every element of that type is caught wherever a message family places it
 * (a {@code ra:Person} and an {@code adm:Person} are both {@code cmn:PersonIdentity}).
 */
final class ElementCategories {

    /** Schema types whose every element carries the category as a whole. */
    static final Map<Class<?>, DataCategory> WHOLE = Map.of(
            IdentityDocument.class, IDENTITY_DOCUMENTS,
            VulnerabilityScreening.class, VULNERABILITY_SCREENING,
            FamilyLink.class, FAMILY_LINK,
            Hit.class, EURODAC_HITS);

    /** Schema types some of whose child elements (by local name) carry a category. */
    static final Map<Class<?>, Map<String, DataCategory>> CHILDREN = Map.of(
            PersonIdentity.class, Map.of(
                    "FamilyName", NAMES,
                    "GivenNames", NAMES,
                    "DateOfBirth", DATE_OF_BIRTH,
                    "Nationality", NATIONALITY,
                    "Sex", SEX),
            BiometricSet.class, Map.of(
                    "Transaction", FINGERPRINTS,
                    "Fingerprint", FINGERPRINTS,
                    "FacialImage", FACIAL_IMAGE,
                    "IrisImage", IRIS_IMAGE));

    /**
     * The namespaces this mapping was written for. A type from any other namespace (a later contract version) is
     * refused rather than walked, so that a new version cannot carry personal data past a mapping that never heard
     * of its elements.
     */
    static final Set<String> NAMESPACES = Set.of(
            "urn:passerelle:envelope:1", "urn:passerelle:common:1", "urn:passerelle:biometric:1",
            "urn:passerelle:readmission:1", "urn:passerelle:admission:1", "urn:passerelle:casestatus:1",
            "urn:passerelle:equivalence:1", "urn:passerelle:audit:1");

    private ElementCategories() {
    }
}
