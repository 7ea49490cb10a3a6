package org.passerelle.contracts;

import java.util.List;
import java.util.Map;

/**
 * One served version of the contract: the envelope namespace that selects it, its bundled schema files, the packages
 * bound from them, the prefixes written for them and the rules the schemas cannot express.
 *
 * @param envelopeNamespace namespace of the {@code Envelope} root element, e.g. {@code urn:passerelle:envelope:1}
 * @param schemaFiles       file names under {@code /xsd/} on the classpath; the first is the entry point, and
 *                          these are the only files the schema resolver will serve for this version
 * @param boundPackages     Java packages generated from those files
 * @param prefixes          namespace URI to the prefix written on output
 * @param rules             checks run after schema validation
 */
record SchemaSet(
        String envelopeNamespace,
        List<String> schemaFiles,
        List<String> boundPackages,
        Map<String, String> prefixes,
        EnvelopeRules rules) {

    /** Classpath folder of the bundled schemas. */
    static final String SCHEMA_FOLDER = "/xsd/";

    SchemaSet {
        schemaFiles = List.copyOf(schemaFiles);
        boundPackages = List.copyOf(boundPackages);
        prefixes = Map.copyOf(prefixes);
    }

    /** Version 1: the pilot regime. */
    static SchemaSet v1() {
        return new SchemaSet(
                "urn:passerelle:envelope:1",
                List.of("envelope-1.xsd", "common-1.xsd", "biometric-1.xsd", "readmission-1.xsd",
                        "admission-1.xsd", "casestatus-1.xsd", "equivalence-1.xsd", "audit-1.xsd"),
                List.of("org.passerelle.contracts.envelope.v1", "org.passerelle.contracts.common.v1",
                        "org.passerelle.contracts.biometric.v1", "org.passerelle.contracts.readmission.v1",
                        "org.passerelle.contracts.admission.v1", "org.passerelle.contracts.casestatus.v1",
                        "org.passerelle.contracts.equivalence.v1", "org.passerelle.contracts.audit.v1"),
                Map.of(
                        "urn:passerelle:envelope:1", "env",
                        "urn:passerelle:common:1", "cmn",
                        "urn:passerelle:biometric:1", "bio",
                        "urn:passerelle:readmission:1", "ra",
                        "urn:passerelle:admission:1", "adm",
                        "urn:passerelle:casestatus:1", "cs",
                        "urn:passerelle:equivalence:1", "eq",
                        "urn:passerelle:audit:1", "aud"),
                new EnvelopeV1Rules());
    }
}
