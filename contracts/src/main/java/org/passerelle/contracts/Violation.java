package org.passerelle.contracts;

/**
 * One thing wrong with a document: where it is (line, column and the element path, when known) and what.
 *
 * @param line   1-based line, or -1 when unknown
 * @param column 1-based column, or -1 when unknown
 * @param path   element path such as {@code /Envelope/Body/ReadmissionRequest/Person/Nationality}, or "" when unknown
 * @param message what is wrong, in words; never contains the offending value when it may be personal data
 */
public record Violation(int line, int column, String path, String message) {

    @Override
    public String toString() {
        return (line > 0 ? line + ":" + column + " " : "") + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
