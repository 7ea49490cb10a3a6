package org.passerelle.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutOfMemoryExitTest {

    private final AtomicInteger halted = new AtomicInteger(-1);
    private final List<Throwable> passedOn = new ArrayList<>();
    private final OutOfMemoryExit handler = new OutOfMemoryExit((t, e) -> passedOn.add(e), halted::set);

    @Test
    void aThreadDyingOfOutOfMemoryHaltsTheNode() throws InterruptedException {
        Thread poller = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "http-nio-8080-Poller");
        poller.setUncaughtExceptionHandler(handler);
        poller.start();
        poller.join();

        assertThat(halted).hasValue(OutOfMemoryExit.STATUS);
        assertThat(passedOn).isEmpty();
    }

    @Test
    void anOutOfMemoryErrorWrappedInAnotherFailureHaltsTooAsDoesAStackOverflow() {
        handler.uncaughtException(Thread.currentThread(), new IllegalStateException(new OutOfMemoryError()));
        assertThat(halted).hasValue(OutOfMemoryExit.STATUS);

        halted.set(-1);
        handler.uncaughtException(Thread.currentThread(), new StackOverflowError());
        assertThat(halted).hasValue(OutOfMemoryExit.STATUS);
    }

    @Test
    void anyOtherFailureIsPassedOnAndTheNodeLivesOn() {
        UncheckedIOException failure = new UncheckedIOException(new java.io.IOException("closed"));
        handler.uncaughtException(Thread.currentThread(), failure);

        assertThat(halted).hasValue(-1);
        assertThat(passedOn).containsExactly(failure);
    }

    @Test
    void theJvmFlagIsRecognised() {
        assertThat(OutOfMemoryExit.exitsByItself(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"))).isTrue();
        assertThat(OutOfMemoryExit.exitsByItself(List.of("-XX:+CrashOnOutOfMemoryError"))).isTrue();
        assertThat(OutOfMemoryExit.exitsByItself(List.of("-Xmx256m"))).isFalse();
    }
}
