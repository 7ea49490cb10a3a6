package org.passerelle.gateway.exchange.outbound;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ProducerTemplate;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.BoundedBody;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.routes.RouteCalls;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The back-end API: submit (through the {@code intake} route, as every connector does) an envelope, follow its status history, and (administrators) replay a parked message or
 * release it (give it up so that the messages held behind it in its conversation flow).
 */
@RestController
@RequestMapping("/api/v1/messages")
@Tag(name = "Messages", description = "Back-end systems submit envelopes and follow them; administrators replay parked ones")
class MessagesController {

    private final IntakeService intake;
    private final MessageStore store;
    private final NodeProperties node;
    private final PartnerOperations operations;
    private final InboundMemory memory;
    private final ProducerTemplate routes;

    MessagesController(IntakeService intake, MessageStore store, NodeProperties node,
                       PartnerOperations operations, InboundMemory memory, ProducerTemplate routes) {
        this.memory = memory;
        this.routes = routes;
        this.intake = intake;
        this.store = store;
        this.node = node;
        this.operations = operations;
    }

    @PostMapping(consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('SYSTEM')")
    @Operation(summary = "Submit an envelope for delivery (role SYSTEM)",
            description = "Validates, stores in the message log and the outbox in one transaction, answers 202 with the message id.")
    ResponseEntity<Map<String, String>> submit(InputStream body, Principal principal, HttpServletRequest request)
            throws IOException {
        if (request.getContentLengthLong() > node.maxBodySize().toBytes()) {
            // Refused from the declared length, before a byte of the body is read.
            intake.refuseOversize(principal.getName());
        }
        // The intake shares the partner port's budget of bodies in flight: reserved before a byte is read.
        long declared = request.getContentLengthLong();
        String id;
        Optional<InboundMemory.Reservation> reservation =
                memory.tryReserve(declared >= 0 ? declared : node.maxBodySize().toBytes());
        if (reservation.isEmpty()) {
            GatewayException busy = intake.refuseBusy(principal.getName()); // audited before anything else can fail
            // Read through and thrown away, a buffer at a time, so that the client gets 503 NODE_BUSY with Retry-After
            // rather than a connection closed under a large body it is still sending.
            try {
                BoundedBody.discard(body, node.maxBodySize().toBytes());
            } catch (IOException gone) {
                busy.addSuppressed(gone); // the client went away: the refusal stands, and was audited
            }
            throw busy;
        }
        try (InboundMemory.Reservation reserved = reservation.get()) {
            byte[] xml = BoundedBody.read(body, node.maxBodySize().toBytes(), declared);
            if (xml == null) {
                intake.refuseOversize(principal.getName());
            }
            // Through the intake route, as every connector submits; a refusal comes back as its GatewayException.
            id = RouteCalls.request(routes, IntakeRoutes.INTAKE, xml, Map.of(IntakeRoutes.ACTOR, principal.getName(),
                    IntakeRoutes.CHANNEL, IntakeService.API), String.class);
        }
        return ResponseEntity.accepted().location(URI.create("/api/v1/messages/" + id))
                .body(Map.of("messageId", id, "status", store.find(id).orElseThrow().status().name()));
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "A message's status and full status history (roles SYSTEM, ADMIN); never its payload")
    MessageView status(@PathVariable String id) {
        MessageRecord record = store.find(id).orElseThrow(() -> notFound(id));
        return view(record);
    }

    @PostMapping(path = "/{id}/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Put a parked message back in the queue (role ADMIN)")
    MessageView replay(@PathVariable String id, Principal principal) {
        MessageRecord record = operations.replay(id,
                new PartnerOperations.Actor(principal.getName(), null, AuditChannel.API));
        return view(record);
    }

    @PostMapping(path = "/{id}/release", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Give up on a parked message for good, with a reason, so that the later messages of its conversation flow (role ADMIN)")
    MessageView release(@PathVariable String id, @RequestParam String reason, Principal principal) {
        MessageRecord record = operations.release(id, reason,
                new PartnerOperations.Actor(principal.getName(), null, AuditChannel.API));
        return view(record);
    }

    private MessageView view(MessageRecord record) {
        return new MessageView(record, store.history(record.messageId()),
                store.heldBehind(record.messageId()).orElse(null));
    }

    private static GatewayException notFound(String id) {
        return PartnerOperations.notFound(id);
    }


    /**
     * A message's metadata and history, as the API shows it; {@code heldBehind} names the parked message of its
     * conversation that it waits behind (not sent until that one is replayed or released), or is null.
     */
    record MessageView(MessageRecord message, List<StatusChange> history, String heldBehind) {
    }
}
