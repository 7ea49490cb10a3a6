package org.passerelle.gateway.casework.readmission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.Direction;

/** The readmission transition table, and the workflow's planning of message-driven and user events on it. */
class ReadmissionTransitionsTest {

    private static final Instant T = Instant.parse("2026-03-02T09:15:00Z");
    private final ReadmissionWorkflow workflow = new ReadmissionWorkflow(null, null, null, null);

    static Stream<Arguments> legal() {
        return Stream.of(
                Arguments.of(ReadmissionState.DRAFTED, CaseEvent.REQUEST, ReadmissionState.REQUESTED),
                Arguments.of(ReadmissionState.REQUESTED, CaseEvent.RECEIPT, ReadmissionState.ACKNOWLEDGED),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.DECISION_ACCEPTED, ReadmissionState.ACCEPTED),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.DECISION_REFUSED, ReadmissionState.REFUSED),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.DECISION_MORE_INFORMATION,
                        ReadmissionState.MORE_INFORMATION_REQUESTED),
                Arguments.of(ReadmissionState.MORE_INFORMATION_REQUESTED, CaseEvent.REQUEST, ReadmissionState.REQUESTED),
                Arguments.of(ReadmissionState.ACCEPTED, CaseEvent.TRANSFER_SCHEDULED, ReadmissionState.TRANSFER_SCHEDULED),
                Arguments.of(ReadmissionState.TRANSFER_SCHEDULED, CaseEvent.TRANSFER_SCHEDULED,
                        ReadmissionState.TRANSFER_SCHEDULED),
                Arguments.of(ReadmissionState.TRANSFER_SCHEDULED, CaseEvent.TRANSFER_FAILED, ReadmissionState.ACCEPTED),
                Arguments.of(ReadmissionState.TRANSFER_SCHEDULED, CaseEvent.TRANSFER_COMPLETED,
                        ReadmissionState.TRANSFERRED),
                Arguments.of(ReadmissionState.TRANSFER_SCHEDULED, CaseEvent.SUSPEND, ReadmissionState.SUSPENDED),
                Arguments.of(ReadmissionState.SUSPENDED, CaseEvent.CANCEL, ReadmissionState.CANCELLED),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.EXPIRE, ReadmissionState.EXPIRED));
    }

    @ParameterizedTest(name = "{0} on {1} → {2}")
    @MethodSource("legal")
    void followsTheTable(ReadmissionState from, CaseEvent event, ReadmissionState to) {
        assertThat(ReadmissionTransitions.next(from, event, null)).contains(to);
    }

    static Stream<Arguments> illegal() {
        return Stream.of(
                Arguments.of(ReadmissionState.DRAFTED, CaseEvent.DECISION_ACCEPTED),
                Arguments.of(ReadmissionState.REQUESTED, CaseEvent.REQUEST),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.TRANSFER_SCHEDULED),
                Arguments.of(ReadmissionState.ACKNOWLEDGED, CaseEvent.TRANSFER_COMPLETED),
                Arguments.of(ReadmissionState.ACCEPTED, CaseEvent.TRANSFER_COMPLETED),
                Arguments.of(ReadmissionState.ACCEPTED, CaseEvent.DECISION_REFUSED),
                Arguments.of(ReadmissionState.ACCEPTED, CaseEvent.RESUME),
                Arguments.of(ReadmissionState.SUSPENDED, CaseEvent.EXPIRE),
                Arguments.of(ReadmissionState.SUSPENDED, CaseEvent.TRANSFER_COMPLETED));
    }

    @ParameterizedTest(name = "{0} on {1} is illegal")
    @MethodSource("illegal")
    void refusesWhatIsNotInTheTable(ReadmissionState from, CaseEvent event) {
        assertThat(ReadmissionTransitions.next(from, event, ReadmissionState.ACCEPTED)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ReadmissionState.class, names = {"REFUSED", "TRANSFERRED", "CANCELLED", "EXPIRED"})
    void nothingLeavesATerminalState(ReadmissionState terminal) {
        assertThat(terminal.terminal()).isTrue();
        for (CaseEvent event : CaseEvent.values()) {
            assertThat(ReadmissionTransitions.next(terminal, event, ReadmissionState.ACCEPTED)).as(event.name()).isEmpty();
        }
    }

    @Test
    void resumingReturnsToTheStateTheCaseWasSuspendedFrom() {
        assertThat(ReadmissionTransitions.next(ReadmissionState.SUSPENDED, CaseEvent.RESUME,
                ReadmissionState.TRANSFER_SCHEDULED)).contains(ReadmissionState.TRANSFER_SCHEDULED);
    }

    @Test
    void everyOpenStateCanBeSuspendedCancelledAndExpired() {
        for (ReadmissionState open : ReadmissionTransitions.OPEN) {
            assertThat(ReadmissionTransitions.next(open, CaseEvent.SUSPEND, null)).contains(ReadmissionState.SUSPENDED);
            assertThat(ReadmissionTransitions.next(open, CaseEvent.CANCEL, null)).contains(ReadmissionState.CANCELLED);
            assertThat(ReadmissionTransitions.next(open, CaseEvent.EXPIRE, null)).contains(ReadmissionState.EXPIRED);
        }
    }

    @Test
    void aReceivedRequestIsAcknowledgedAtOnce() {
        assertThat(workflow.plan(null, message(CaseEvent.REQUEST, Direction.INBOUND)))
                .containsExactly(CaseEvent.REQUEST, CaseEvent.RECEIPT);
        assertThat(workflow.plan(null, message(CaseEvent.REQUEST, Direction.OUTBOUND)))
                .containsExactly(CaseEvent.REQUEST);
    }

    @Test
    void refusesAnEventForAnUnknownCase() {
        assertThatThrownBy(() -> workflow.plan(null, message(CaseEvent.DECISION_ACCEPTED, Direction.INBOUND)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).isEqualTo("UNKNOWN_CASE"));
    }

    @Test
    void refusesADecisionFromTheRequestingSide() {
        ReadmissionCase requested = inState(ReadmissionState.ACKNOWLEDGED, ReadmissionCase.Role.REQUESTED);
        assertThatThrownBy(() -> workflow.plan(requested, message(CaseEvent.DECISION_ACCEPTED, Direction.INBOUND)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.code().name()).isEqualTo("ILLEGAL_TRANSITION"));
        assertThat(workflow.plan(requested, message(CaseEvent.DECISION_ACCEPTED, Direction.OUTBOUND)))
                .containsExactly(CaseEvent.DECISION_ACCEPTED);
    }

    @Test
    void aPartnerRepeatingASuspensionAlreadyRecordedChangesNothing() {
        ReadmissionCase suspended = inState(ReadmissionState.SUSPENDED, ReadmissionCase.Role.REQUESTING);
        assertThat(workflow.plan(suspended, message(CaseEvent.SUSPEND, Direction.INBOUND))).isEmpty();
        assertThatThrownBy(() -> workflow.plan(suspended,
                CaseCommand.action("GB-RA-2026-000123", "FR", CaseEvent.SUSPEND, "admin", T)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.code().name()).isEqualTo("ILLEGAL_TRANSITION"));
    }

    private static CaseCommand message(CaseEvent event, Direction direction) {
        return new CaseCommand("GB-RA-2026-000123", "FR", event, direction, "m-1", "X", "c-1", "actor", T, T, false);
    }

    private static ReadmissionCase inState(ReadmissionState state, ReadmissionCase.Role role) {
        return new ReadmissionCase(1, "GB-RA-2026-000123", "FR", role, state, ReadmissionState.ACCEPTED, "c-1", "m-1",
                T, T, T, false, T, T, T, T);
    }

}
