package org.passerelle.gateway.connectors.queue;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.outbound.IntakeRoutes;
import org.passerelle.gateway.routes.RouteErrors;

/**
 * The submission queue as a route ({@code queue-submissions}): each message taken off the submission queue goes
 * through the intake, and its outcome is published to the reply queue; the submission is acknowledged to the broker
 * only after both (the intake's transaction committed and the broker committed the reply), so a node that stops at
 * any point leaves it on the queue to be taken again (the intake gives a resubmitted envelope its first id). A failure
 * inside the node puts the submission back on the queue after {@code redelivery-delay}; a failure to publish the reply is
 * tried three more times that delay apart, then likewise: a failure of the node is never answered as refused, and
 * never retried faster than once a delay.
 */
final class QueueSubmissionRoutes extends RouteBuilder {

    private static final String SUBMISSIONS = QueueConfiguration.COMPONENT
            + ":queue:{{passerelle.connectors.queue.submission-queue}}"
            + "?transacted=false&acknowledgementModeName=CLIENT_ACKNOWLEDGE&disableReplyTo=true";
    private static final String REPLIES = QueueConfiguration.COMPONENT
            + ":queue:{{passerelle.connectors.queue.reply-queue}}";
    private static final int REDELIVERIES = 3;

    private final QueueSubmissions submissions;
    private final QueueProperties settings;

    QueueSubmissionRoutes(QueueSubmissions submissions, QueueProperties settings) {
        this.submissions = submissions;
        this.settings = settings;
    }

    @Override
    public void configure() {
        fromF("%s&concurrentConsumers=%d", SUBMISSIONS, settings.consumers())
                .routeId("queue-submissions")
                .routeConfigurationId(RouteErrors.ID)
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(REDELIVERIES)
                        .redeliveryDelay(settings.redeliveryDelay().toMillis())
                        .logExhaustedMessageHistory(false))
                .process(submissions::receive)
                .doTry()
                    .process(submissions::admit)
                    .to(IntakeRoutes.INTAKE)
                    .process(submissions::accepted)
                .doCatch(GatewayException.class).onWhen(submissions::isRefusal)
                    .process(submissions::refused)
                .doCatch(Exception.class)
                    // A failure of the node: nothing inside doTry is redelivered by the error handler, and the
                    // broker would hand the submission straight back; wait first, so a busy or failing node is asked
                    // again once a delay, never in a tight loop.
                    .process(submissions::giveBackAfterDelay)
                .end()
                .to(REPLIES);
    }
}
