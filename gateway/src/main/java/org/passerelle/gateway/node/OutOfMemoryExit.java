package org.passerelle.gateway.node;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * A node that runs out of memory exits, so that its supervisor restarts it, instead of living on with the threads that
 * died of it (a node that still takes connections but no longer sends, receives or audits). The JVM's own
 * {@code -XX:+ExitOnOutOfMemoryError} is the sure way and is what README tells operators to run with; this is the net
 * for a node started without it: any thread that dies of an {@link OutOfMemoryError} (or of another
 * {@link VirtualMachineError}) halts the process with exit status {@value #STATUS}. Nothing is lost by halting: every
 * message is stored with its outbox work in one transaction before it is acknowledged, and a restarted node carries on
 * from the database.
 */
public final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {

    /** The exit status of a node halted for running out of memory (as {@code sysexits.h}'s EX_OSERR). */
    public static final int STATUS = 71;

    private final Thread.UncaughtExceptionHandler next;
    private final Halt halt;

    OutOfMemoryExit(Thread.UncaughtExceptionHandler next, Halt halt) {
        this.next = next;
        this.halt = halt;
    }

    /** How the process ends; {@link Runtime#halt} in a node, something observable in a test. */
    interface Halt {
        void halt(int status);
    }

    /** Installs the handler for every thread that has none of its own; says so if the JVM flag is missing. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(
                new OutOfMemoryExit(Thread.getDefaultUncaughtExceptionHandler(), Runtime.getRuntime()::halt));
        if (!exitsByItself(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            System.err.println("passerelle: the JVM was started without -XX:+ExitOnOutOfMemoryError; a thread that"
                    + " dies of an OutOfMemoryError will halt the node, but one caught by a library will not");
        }
    }

    /** Whether the JVM's options already make it end on an OutOfMemoryError. */
    static boolean exitsByItself(List<String> jvmOptions) {
        return jvmOptions.contains("-XX:+ExitOnOutOfMemoryError") || jvmOptions.contains("-XX:+CrashOnOutOfMemoryError");
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        if (fatal(failure)) {
            try {
                // No stack trace and nothing of the failure's message (it can name a payload's size, never its bytes):
                // the thread's name and the error's class are what an operator needs to look at the heap settings.
                System.err.println("passerelle: thread " + thread.getName() + " died of "
                        + failure.getClass().getSimpleName() + "; halting the node (status " + STATUS + ")");
            } finally {
                halt.halt(STATUS);
            }
            return;
        }
        if (next != null) {
            next.uncaughtException(thread, failure);
        } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            failure.printStackTrace(System.err);
        }
    }

    private static boolean fatal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof VirtualMachineError) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
