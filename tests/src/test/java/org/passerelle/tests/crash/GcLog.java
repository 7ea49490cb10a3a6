package org.passerelle.tests.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node's garbage collector log ({@code -Xlog:gc:file=…}), read for what the heap held at its fullest. */
final class GcLog {

    private static final Pattern AFTER = Pattern.compile("\\d+M->(\\d+)M\\(");

    private GcLog() {
    }

    /** The JVM option that writes the log. */
    static String option(Path log) {
        return "-Xlog:gc:file=" + log;
    }

    /**
     * The most heap in use just after a full collection, in MB, or after any collection when there was no full one: what
     * the node held at its peak. (G1's young, remark and cleanup pauses leave the unreachable in place until marking
     * ends, so their figures run close to the heap's size whatever is live.)
     */
    static long peakAfterGcMb(Path log) {
        try {
            long full = 0;
            long any = 0;
            for (String line : Files.readAllLines(log)) {
                Matcher m = AFTER.matcher(line);
                if (m.find()) {
                    long after = Long.parseLong(m.group(1));
                    any = Math.max(any, after);
                    if (line.contains("Pause Full")) {
                        full = Math.max(full, after);
                    }
                }
            }
            return full > 0 ? full : any;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
