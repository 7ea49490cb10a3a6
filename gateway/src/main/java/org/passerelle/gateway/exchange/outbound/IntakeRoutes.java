package org.passerelle.gateway.exchange.outbound;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.stereotype.Component;

/**
 * The intake as a route: every connector (the back-end API, the submission queue, the drop folders) hands an envelope
 * to {@code direct:intake} with the submitting system and its channel as exchange properties (never headers, which a
 * submitter could set on the wire), and gets the message id back as the body, or the refusal as a
 * {@link org.passerelle.gateway.error.GatewayException} with its stable code. The route has no error handler of its
 * own: the intake audits and counts its refusals itself, and the refusal reaches the connector's route as it was
 * thrown, for its {@code doTry}/{@code onException} to answer (an error handler here would log every refusal as an
 * error and mark it exhausted, so that the caller's {@code doCatch} never saw it).
 */
@Component
public class IntakeRoutes extends RouteBuilder {

    /** The route every submission goes through. */
    public static final String INTAKE = "direct:intake";
    /** Exchange property: the authenticated system that submits. */
    public static final String ACTOR = "passerelleActor";
    /** Exchange property: the connector's audit channel. */
    public static final String CHANNEL = "passerelleChannel";

    private final IntakeService intake;

    IntakeRoutes(IntakeService intake) {
        this.intake = intake;
    }

    @Override
    public void configure() {
        from(INTAKE)
                .routeId("intake")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> exchange.getMessage().setBody(intake.submit(
                        exchange.getMessage().getMandatoryBody(byte[].class),
                        exchange.getProperty(ACTOR, String.class),
                        exchange.getProperty(CHANNEL, AuditChannel.class))));
    }
}
