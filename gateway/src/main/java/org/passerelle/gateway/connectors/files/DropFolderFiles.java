package org.passerelle.gateway.connectors.files;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.BoundedBody;
import org.passerelle.gateway.exchange.Envelopes;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.outbound.IntakeRoutes;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.stereotype.Component;

/**
 * What the submission routes do with a claimed file besides handing it to the intake: read it within the body limit
 * and the inbound memory budget (an oversize file is refused from its listed length, unread), tell a refusal from a
 * failure worth another try, and write the refusal as the partner port's Fault XML.
 */
@Component
class DropFolderFiles {

    /** Codes that say "not now", not "never": the file stays where it is and is taken again. */

    private final IntakeService intake;
    private final InboundMemory memory;
    private final NodeProperties node;
    private final Envelopes envelopes;
    private final Clock clock;

    DropFolderFiles(IntakeService intake, InboundMemory memory, NodeProperties node, MessageCodec codec, Clock clock) {
        this.intake = intake;
        this.memory = memory;
        this.node = node;
        this.envelopes = new Envelopes(codec);
        this.clock = clock;
    }

    /**
     * Replaces the file body with its bytes. Refuses (BODY_TOO_LARGE, audited) a file listed larger than the node
     * takes, without opening it; holds the file's size of the inbound memory budget until the exchange completes, or
     * fails with NODE_BUSY (transient) when the budget is full.
     */
    void read(Exchange exchange) throws IOException {
        String actor = exchange.getProperty(IntakeRoutes.ACTOR, String.class);
        AuditChannel channel = exchange.getProperty(IntakeRoutes.CHANNEL, AuditChannel.class);
        long max = node.maxBodySize().toBytes();
        long length = exchange.getMessage().getHeader(FileConstants.FILE_LENGTH, -1L, Long.class);
        if (length > max) {
            intake.refuseOversize(actor, channel);
        }
        InboundMemory.Reservation reserved = memory.tryReserve(length >= 0 ? length : max)
                .orElseThrow(() -> new GatewayException(GatewayErrorCode.NODE_BUSY, "The inbound memory budget is full"));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                reserved.close();
            }
        });
        byte[] xml;
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            xml = BoundedBody.read(in, max, length);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException("The claimed file cannot be read", e);
        }
        if (xml == null) {
            intake.refuseOversize(actor, channel);
        }
        exchange.getMessage().setBody(xml);
    }

    /** True for a definite refusal (the file goes to the error folder), false for a failure worth another try. */
    static boolean refused(Throwable failure) {
        return failure instanceof GatewayException refusal && !refusal.nodeFailure();
    }

    /**
     * The refusal as the partner port writes it: a Fault envelope with the stable code, message and details, from this
     * node to party {@code ZZ} (a fault's To must name another party than its From; the partner port uses ZZ for
     * a sender it does not know, and the back-end is not a party).
     */
    byte[] fault(GatewayException refusal) {
        return envelopes.fault(node.party(), "ZZ", null, refusal.code().name(), refusal.getMessage(),
                refusal.details(), clock.instant());
    }
}
