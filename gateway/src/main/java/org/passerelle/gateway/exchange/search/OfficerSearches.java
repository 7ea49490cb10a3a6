package org.passerelle.gateway.exchange.search;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.biometric.v1.BiometricSearchRequest;
import org.passerelle.contracts.biometric.v1.SearchPurpose;
import org.passerelle.contracts.biometric.v1.Urgency;
import org.passerelle.contracts.biometrics.DeclaredBiometrics;
import org.passerelle.contracts.biometrics.DeclaredFingerprint;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.common.v1.Compression;
import org.passerelle.contracts.common.v1.Fingerprint;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.common.v1.ImpressionType;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.common.v1.RecordPresent;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.gateway.access.Purpose;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.stereotype.Component;

/**
 * Builds the {@code BiometricSearchRequest} envelope of an officer's search: the body states what the transaction holds
 * (read from the transaction itself), the officer's purpose mapped to the contract's search purpose, the case
 * reference, and a pseudonymous operator id (never the officer's name, which stays in this node's audit log).
 */
@Component
class OfficerSearches {

    /** How long a search may wait for delivery before it expires unsent. */
    static final Duration EXPIRES_AFTER = Duration.ofDays(1);

    private final MessageCodec codec;
    private final NodeProperties node;
    private final Clock clock;
    private final NistTransactionCheck transactions = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);

    OfficerSearches(MessageCodec codec, NodeProperties node, Clock clock) {
        this.codec = codec;
        this.node = node;
        this.clock = clock;
    }

    /**
     * The contract's search purpose for an officer's purpose: null when the purpose is no reason to search a person's
     * fingerprints (a compliance review reads records, it does not search people).
     */
    static SearchPurpose searchPurpose(Purpose purpose) {
        return switch (purpose) {
            case READMISSION_CASE -> SearchPurpose.READMISSION_ELIGIBILITY;
            case ADMISSION_CASE -> SearchPurpose.ADMISSION_ELIGIBILITY;
            case IDENTITY_VERIFICATION -> SearchPurpose.IDENTITY_ESTABLISHMENT;
            case PARTNER_LIAISON -> SearchPurpose.PREVIOUS_REGISTRATION_CHECK;
            case COMPLIANCE_REVIEW -> null;
        };
    }

    /** The operator id the partner sees: a stable pseudonym of the officer on this node. */
    String operatorId(String officer) {
        return "op-" + Digests.sha256Hex((node.party() + ":" + officer).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** The encoded envelope (validated by the codec on the way out) for a search of {@code transaction}. */
    byte[] envelope(byte[] transaction, String partner, SearchPurpose purpose, String caseReference, Urgency urgency,
                    String officer) {
        DeclaredBiometrics declared = transactions.describe(transaction);
        BiometricSet set = new BiometricSet();
        set.setTransaction(transaction);
        for (DeclaredFingerprint f : declared.fingerprints()) {
            Fingerprint fingerprint = new Fingerprint();
            fingerprint.setRecordType(f.recordType());
            fingerprint.setPosition(f.position());
            fingerprint.setImpressionType(ImpressionType.valueOf(f.impressionType().name()));
            fingerprint.setCompression(compression(f.compression()));
            fingerprint.setResolutionPpi(f.resolutionPpi());
            fingerprint.setQuality(f.quality());
            set.getFingerprint().add(fingerprint);
        }
        if (declared.facialImage()) {
            set.setFacialImage(new RecordPresent());
        }
        if (declared.irisImage()) {
            set.setIrisImage(new RecordPresent());
        }
        BiometricSearchRequest request = new BiometricSearchRequest();
        request.setPurpose(purpose);
        request.setCaseReference(caseReference);
        request.setOperatorId(operatorId(officer));
        request.setUrgency(urgency);
        request.setBiometricSet(set);

        OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC);
        Header header = new Header();
        header.setMessageId(UUID.randomUUID().toString());
        header.setConversationId(UUID.randomUUID().toString());
        header.setFrom(node.party());
        header.setTo(partner);
        header.setCreatedAt(now);
        header.setExpiresAt(now.plus(EXPIRES_AFTER));
        header.setMessageType(MessageType.BIOMETRIC_SEARCH_REQUEST);
        header.setSchemaVersion("1.0");
        header.setTestIndicator(false);
        header.setOperator(request.getOperatorId());
        Body body = new Body();
        body.setBiometricSearchRequest(request);
        Envelope envelope = new Envelope();
        envelope.setHeader(header);
        envelope.setBody(body);
        return codec.encode(envelope);
    }

    private static Compression compression(org.passerelle.contracts.biometrics.Compression c) {
        return switch (c) {
            case NONE -> Compression.NONE;
            case WSQ -> Compression.WSQ;
            case JPEG -> Compression.JPEG;
            case JPEG2000 -> Compression.JPEG_2000;
            case PNG -> Compression.PNG;
        };
    }

}
