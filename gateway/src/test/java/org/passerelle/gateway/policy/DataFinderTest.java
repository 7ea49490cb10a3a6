package org.passerelle.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlType;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.Direction;

/** The element-category walker on the contract's own samples: exact paths, every family, prefixes cannot hide data. */
class DataFinderTest {

    static final MessageCodec CODEC = new MessageCodec();
    static final Set<DataCategory> PERSONAL = DataCategory.PERSONAL_DATA.leaves();
    static final String RA = "/Envelope/Body/ReadmissionRequest";

    @Test
    void findsEveryPersonalElementOfAReadmissionRequestByPath() {
        List<String> found = paths(sample("ReadmissionRequest"), PERSONAL);

        assertThat(found).containsExactly(
                "NAMES at " + RA + "/Person/FamilyName",
                "NAMES at " + RA + "/Person/GivenNames",
                "DATE_OF_BIRTH at " + RA + "/Person/DateOfBirth",
                "NATIONALITY at " + RA + "/Person/Nationality",
                "SEX at " + RA + "/Person/Sex",
                "IDENTITY_DOCUMENTS at " + RA + "/Document[1]",
                "VULNERABILITY_SCREENING at " + RA + "/VulnerabilityScreening",
                "FINGERPRINTS at " + RA + "/BiometricSet/Transaction",
                "FINGERPRINTS at " + RA + "/BiometricSet/Fingerprint[1]",
                "FINGERPRINTS at " + RA + "/BiometricSet/Fingerprint[2]",
                "FINGERPRINTS at " + RA + "/BiometricSet/Fingerprint[3]");
    }

    @Test
    void findsThePersonOfAnotherFamilyByItsTypeNotItsName() {
        List<String> found = paths(sample("AdmissionReferral"), EnumSet.of(DataCategory.DATE_OF_BIRTH, DataCategory.FAMILY_LINK));

        assertThat(found).containsExactly(
                "FAMILY_LINK at /Envelope/Body/AdmissionReferral/FamilyLink",
                "DATE_OF_BIRTH at /Envelope/Body/AdmissionReferral/Person/DateOfBirth");
    }

    @Test
    void findsOnlyTheCategoriesAsked() {
        assertThat(paths(sample("ReadmissionRequest"), DataCategory.BIOMETRICS.leaves()))
                .allMatch(p -> p.startsWith("FINGERPRINTS at " + RA + "/BiometricSet/")).hasSize(4);
        assertThat(paths(sample("ReadmissionRequest"), EnumSet.of(DataCategory.FACIAL_IMAGE))).isEmpty();
        assertThat(paths(sample("BiometricSearchRequest"), EnumSet.of(DataCategory.IDENTITY_DOCUMENTS))).isEmpty();
    }

    @Test
    void hitsAreTheirOwnCategoryNotPersonalData() {
        Envelope response = sample("BiometricSearchResponse");

        assertThat(paths(response, PERSONAL)).isEmpty();
        assertThat(paths(response, EnumSet.of(DataCategory.EURODAC_HITS))).containsExactly(
                "EURODAC_HITS at /Envelope/Body/BiometricSearchResponse/Hit[1]",
                "EURODAC_HITS at /Envelope/Body/BiometricSearchResponse/Hit[2]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ReadmissionDecision", "TransferStatus", "EligibilityResult", "AdmissionDecision",
            "ArrivalConfirmation", "CaseStatusUpdate", "EquivalenceStatement", "EquivalenceStatement-fair-share",
            "BiometricSearchResponse", "BiometricSearchResponse-no-hit", "Fault", "Receipt"})
    void findsNoPersonalDataInDecisionsReferencesAndCodes(String type) {
        assertThat(paths(sample(type), PERSONAL)).isEmpty();
    }

    @Test
    void prefixesAndDefaultNamespacesDoNotHideAnElement() {
        String xml = new String(SampleMessages.load("/samples/valid/ReadmissionRequest.xml"), StandardCharsets.UTF_8);
        // The common namespace under another prefix, and the readmission body in the default namespace.
        String disguised = xml.replace("xmlns:cmn=", "xmlns:p0=").replace("<cmn:", "<p0:").replace("</cmn:", "</p0:")
                .replace("<ra:ReadmissionRequest>", "<ReadmissionRequest xmlns=\"urn:passerelle:readmission:1\">")
                .replace("</ra:ReadmissionRequest>", "</ReadmissionRequest>")
                .replaceAll("<(/?)ra:", "<$1");

        Envelope envelope = CODEC.decode(disguised.getBytes(StandardCharsets.UTF_8)).envelope();

        assertThat(paths(envelope, PERSONAL)).isEqualTo(paths(sample("ReadmissionRequest"), PERSONAL));
    }

    @Test
    void refusesContentOfANamespaceItHasNoMappingFor() {
        assertThatThrownBy(() -> DataFinder.find(new Later(), "Later", PERSONAL))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code().name()).isEqualTo("DATA_SHARING_REFUSED");
                    assertThat(e.details()).singleElement().asString().contains("urn:passerelle:envelope:2");
                });
    }

    @Test
    void walksNothingWhenNothingIsForbidden() {
        assertThat(DataFinder.find(new Later(), "Later", Set.of())).isEmpty();
    }

    @Test
    void policyResolvesGroupsAndExemptsPerMessageType() {
        DataSharingPolicy policy = new DataSharingPolicy(() -> new Scheme(null, null, Map.of("FR",
                new Scheme.DataSharing("test basis",
                        new Scheme.Flow(List.of("PERSONAL_DATA"), Map.of("AdmissionReferral", List.of("IDENTITY"))),
                        new Scheme.Flow(List.of(), Map.of())))));

        assertThat(policy.forbidden("FR", Direction.INBOUND, "ReadmissionRequest")).isEqualTo(PERSONAL);
        assertThat(policy.forbidden("FR", Direction.INBOUND, "AdmissionReferral"))
                .contains(DataCategory.FINGERPRINTS).doesNotContain(DataCategory.NAMES, DataCategory.DATE_OF_BIRTH);
        assertThat(policy.forbidden("FR", Direction.OUTBOUND, "ReadmissionRequest")).isEmpty();
        assertThat(policy.basis("FR")).contains("test basis");
        // a partner with no entry has no basis: the rule refuses everything with it (fail-closed)
        assertThat(policy.basis("BE")).isEmpty();
    }

    @Test
    void anAgreementWithAMisspeltMessageTypeOrCategoryCannotBePutInForce() {
        Scheme misspelt = new Scheme(null, null, Map.of("FR", new Scheme.DataSharing("test basis",
                new Scheme.Flow(List.of("PERSONAL_DAT"), Map.of("AdmisionReferral", List.of("NAMES", "NAME"))),
                null)));
        DataSharingPolicy policy = new DataSharingPolicy(() -> misspelt);

        assertThat(misspelt.problems()).anyMatch(p -> p.contains("'AdmisionReferral' is not a message type"));
        assertThat(policy.problems(misspelt)).anyMatch(p -> p.contains("'PERSONAL_DAT' is not a data category"))
                .anyMatch(p -> p.contains("'NAME' is not a data category"));
        // should one be in force all the same, an unknown name forbids everything and exempts nothing
        assertThat(policy.forbidden("FR", Direction.INBOUND, "ReadmissionRequest")).containsAll(PERSONAL);
        // (the valid exemption still counts for the type as written; "NAME" exempts nothing)
        assertThat(policy.forbidden("FR", Direction.INBOUND, "AdmisionReferral")).contains(DataCategory.FINGERPRINTS)
                .doesNotContain(DataCategory.NAMES);
    }

    /** A bound type of a contract version the mapping does not know. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Later", namespace = "urn:passerelle:envelope:2")
    static class Later {
        @XmlElement(name = "Name")
        String name = "x";
    }

    private static Envelope sample(String name) {
        return CODEC.decode(SampleMessages.load("/samples/valid/" + name + ".xml")).envelope();
    }

    private static List<String> paths(Envelope envelope, Set<DataCategory> forbidden) {
        return DataFinder.find(envelope, "Envelope", forbidden).stream().map(DataFinder.Finding::toString).toList();
    }
}
