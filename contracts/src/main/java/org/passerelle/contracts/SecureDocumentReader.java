package org.passerelle.contracts;

import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import jakarta.xml.bind.ValidationEvent;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.AttributesImpl;

/**
 * Reads one document securely and in one pass: a StAX parser that holds the document to the XML profile stated on
 * {@link MessageCodec} and bounds depth and attributes, feeding a schema validator that collects every violation with
 * its element path, which in turn feeds the JAXB unmarshaller. Not thread-safe: one instance per document.
 *
 * <p>The profile is enforced in this order, every breach refused with {@link ContractErrorCode#XML_FORBIDDEN_CONSTRUCT}:
 * first the raw bytes (a UTF-8 byte order mark; a UTF-16 or UTF-32 byte order mark, or a zero byte among the first
 * two, as UTF-16 and UTF-32 markup has; EBCDIC {@code <?xm}, bytes 4C 6F A7 94); then what the parser reports once it
 * has read the XML declaration and nothing further (the declared encoding, when given, and the encoding it reads with
 * must both be UTF-8, in any letter case); then every event, wherever it occurs (before, inside or after the root
 * element): a DOCTYPE, an entity, a comment, a processing instruction, a CDATA section, the XInclude namespace.
 */
final class SecureDocumentReader {

    static final String XINCLUDE_NAMESPACE = "http://www.w3.org/2001/XInclude";
    /** Past this many violations the document is not worth reading further. */
    static final int MAX_VIOLATIONS = 500;
    /** Text kept per element to recognise (and withhold) the element's value in validator messages. */
    private static final int MAX_TEXT_KEPT = 256;
    /** The JDK parser's switch for reporting CDATA sections as such; by default it hands them out as plain text. */
    private static final String REPORT_CDATA_EVENT = "http://java.sun.com/xml/stream/properties/report-cdata-event";
    private static final String UTF_8 = "UTF-8";

    private final Map<String, CompiledSchemaSet> served;
    private final CodecLimits limits;

    private final Deque<String> paths = new ArrayDeque<>();
    private final Deque<Map<String, Integer>> childCounts = new ArrayDeque<>();
    private final Deque<List<String>> declaredPrefixes = new ArrayDeque<>();
    private final List<Violation> violations = new ArrayList<>();
    private final ElementLocations locations = new ElementLocations();
    private final StringBuilder text = new StringBuilder();
    private long textLength;
    private XMLStreamReader reader;

    SecureDocumentReader(Map<String, CompiledSchemaSet> served, CodecLimits limits) {
        this.served = served;
        this.limits = limits;
    }

    /** The outcome of a schema-valid read. */
    record Result(CompiledSchemaSet set, Object root, ElementLocations locations) {}

    Result read(byte[] xml) {
        refuseOtherEncodings(xml);
        try {
            reader = inputFactory(limits).createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                refuseDeclaredEncoding();
                return pump();
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw malformed(e);
        }
    }

    private Result pump() throws XMLStreamException {
        int event = reader.getEventType();
        while (event != XMLStreamConstants.START_ELEMENT) {
            refuseForbidden(event);
            if (!reader.hasNext()) {
                throw new ContractViolationException(ContractErrorCode.XML_MALFORMED,
                        List.of(new Violation(-1, -1, "", "the document has no root element")), null);
            }
            event = reader.next();
        }
        CompiledSchemaSet set = served.get(nullToEmpty(reader.getNamespaceURI()));
        if (set == null) {
            throw new ContractViolationException(ContractErrorCode.XML_UNSUPPORTED_NAMESPACE, List.of(here("/" + reader.getLocalName(),
                    "the root element's namespace '" + nullToEmpty(reader.getNamespaceURI()) + "' is not served; served: "
                            + String.join(", ", served.keySet().stream().sorted().toList()))), null);
        }
        ValidatorHandler validator = set.schema().newValidatorHandler();
        UnmarshallerHandler unmarshaller;
        try {
            validator.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setResourceResolver((type, ns, publicId, systemId, base) -> {
                throw new IllegalStateException("no resource is fetched while validating: " + systemId);
            });
            validator.setErrorHandler(new Collector());
            Unmarshaller u = set.context().createUnmarshaller();
            u.setEventHandler(this::bindingEvent);
            unmarshaller = u.getUnmarshallerHandler();
        } catch (SAXException | JAXBException e) {
            throw new IllegalStateException("validator set-up failed", e);
        }
        validator.setContentHandler(unmarshaller);
        try {
            validator.setDocumentLocator(new StaxLocator());
            validator.startDocument();
            while (true) {
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> startElement(validator);
                    case XMLStreamConstants.END_ELEMENT -> endElement(validator);
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> characters(validator);
                    case XMLStreamConstants.END_DOCUMENT -> {
                        validator.endDocument();
                        return finish(set, unmarshaller);
                    }
                    default -> refuseForbidden(event);
                }
                event = reader.next();
            }
        } catch (SAXException e) {
            throw unwrap(e);
        }
    }

    private Result finish(CompiledSchemaSet set, UnmarshallerHandler unmarshaller) {
        if (!violations.isEmpty()) {
            throw new ContractViolationException(ContractErrorCode.XML_SCHEMA_INVALID, violations, null);
        }
        try {
            return new Result(set, unmarshaller.getResult(), locations);
        } catch (JAXBException | IllegalStateException e) {
            throw new ContractViolationException(ContractErrorCode.XML_SCHEMA_INVALID,
                    List.of(new Violation(-1, -1, "", "the document could not be bound")), e);
        }
    }

    private void startElement(ValidatorHandler validator) throws SAXException {
        if (paths.size() >= limits.maxElementDepth()) {
            throw new ContractViolationException(ContractErrorCode.XML_TOO_LARGE,
                    List.of(here(paths.peek(), "elements nest deeper than " + limits.maxElementDepth())), null);
        }
        String namespace = nullToEmpty(reader.getNamespaceURI());
        String local = reader.getLocalName();
        Map<String, Integer> siblings = childCounts.isEmpty() ? new HashMap<>() : childCounts.peek();
        int nth = siblings.merge(namespace + " " + local, 1, Integer::sum);
        String path = (paths.isEmpty() ? "" : paths.peek()) + "/" + local + (nth > 1 ? "[" + nth + "]" : "");
        paths.push(path);
        childCounts.push(new HashMap<>());
        if (XINCLUDE_NAMESPACE.equals(namespace)) {
            throw forbidden(path, "XInclude is not accepted");
        }
        int attributeCount = reader.getAttributeCount();
        if (attributeCount > limits.maxAttributesPerElement()) {
            throw new ContractViolationException(ContractErrorCode.XML_TOO_LARGE,
                    List.of(here(path, "more than " + limits.maxAttributesPerElement() + " attributes")), null);
        }
        locations.record(path, reader.getLocation().getLineNumber(), reader.getLocation().getColumnNumber());
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < reader.getNamespaceCount(); i++) {
            String prefix = nullToEmpty(reader.getNamespacePrefix(i));
            String uri = nullToEmpty(reader.getNamespaceURI(i));
            if (XINCLUDE_NAMESPACE.equals(uri)) {
                throw forbidden(path, "XInclude is not accepted");
            }
            validator.startPrefixMapping(prefix, uri);
            prefixes.add(prefix);
        }
        declaredPrefixes.push(prefixes);
        AttributesImpl attributes = new AttributesImpl();
        for (int i = 0; i < attributeCount; i++) {
            String attributeNamespace = nullToEmpty(reader.getAttributeNamespace(i));
            String attributePrefix = nullToEmpty(reader.getAttributePrefix(i));
            String attributeLocal = reader.getAttributeLocalName(i);
            attributes.addAttribute(attributeNamespace, attributeLocal,
                    attributePrefix.isEmpty() ? attributeLocal : attributePrefix + ":" + attributeLocal,
                    "CDATA", reader.getAttributeValue(i));
        }
        text.setLength(0);
        textLength = 0;
        String prefix = nullToEmpty(reader.getPrefix());
        validator.startElement(namespace, local, prefix.isEmpty() ? local : prefix + ":" + local, attributes);
    }

    private void endElement(ValidatorHandler validator) throws SAXException {
        String prefix = nullToEmpty(reader.getPrefix());
        String local = reader.getLocalName();
        validator.endElement(nullToEmpty(reader.getNamespaceURI()), local, prefix.isEmpty() ? local : prefix + ":" + local);
        for (String declared : declaredPrefixes.pop()) {
            validator.endPrefixMapping(declared);
        }
        paths.pop();
        childCounts.pop();
        text.setLength(0);
        textLength = 0;
    }

    private void characters(ValidatorHandler validator) throws SAXException {
        char[] chars = reader.getTextCharacters();
        int start = reader.getTextStart();
        int length = reader.getTextLength();
        if (text.length() < MAX_TEXT_KEPT) {
            text.append(chars, start, Math.min(length, MAX_TEXT_KEPT - text.length()));
        }
        textLength += length;
        validator.characters(chars, start, length);
    }

    /**
     * Refuses every event outside the profile; only the start and end of the document and whitespace pass (elements and
     * text inside the root element are handled before this is reached).
     */
    private void refuseForbidden(int event) {
        switch (event) {
            case XMLStreamConstants.START_DOCUMENT, XMLStreamConstants.END_DOCUMENT, XMLStreamConstants.SPACE, XMLStreamConstants.CHARACTERS -> { }
            case XMLStreamConstants.DTD -> throw forbidden("", "a DOCTYPE is not accepted");
            case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION, XMLStreamConstants.NOTATION_DECLARATION ->
                    throw forbidden(currentPath(), "entities are not accepted");
            // A reader that skips comments joins the text around them (G<!-- -->B reads GB), one that keeps them does not.
            case XMLStreamConstants.COMMENT -> throw forbidden(currentPath(), "a comment is not accepted");
            case XMLStreamConstants.PROCESSING_INSTRUCTION -> throw forbidden(currentPath(), "a processing instruction is not accepted");
            case XMLStreamConstants.CDATA -> throw forbidden(currentPath(), "a CDATA section is not accepted");
            // Fail closed: an event this reader was not written for is not silently skipped.
            default -> throw forbidden(currentPath(), "a construct of StAX event type " + event + " is not accepted");
        }
    }

    /**
     * Refuses, before any parsing, bytes that are not UTF-8 or that start with a byte order mark: the JDK parser would
     * silently drop a UTF-8 byte order mark and switch by itself to UTF-16, UTF-32 or EBCDIC, where a back-end reading
     * the same bytes need not.
     */
    private static void refuseOtherEncodings(byte[] xml) {
        String refused = null;
        if (startsWith(xml, 0xEF, 0xBB, 0xBF)) {
            refused = "a byte order mark is not accepted: the document must be UTF-8 without one";
        } else if (startsWith(xml, 0xFE, 0xFF) || startsWith(xml, 0xFF, 0xFE)
                || startsWith(xml, 0x00, 0x00, 0xFE, 0xFF) || startsWith(xml, 0x00, 0x00, 0xFF, 0xFE)) {
            refused = "UTF-16 and UTF-32 are not accepted (the document starts with their byte order mark): the document must be UTF-8";
        } else if (xml.length > 0 && xml[0] == 0 || xml.length > 1 && xml[1] == 0) {
            // XML in UTF-8 never holds a zero byte; markup or whitespace in UTF-16 or UTF-32 always has one among its first two.
            refused = "UTF-16 and UTF-32 are not accepted (the document starts with a zero byte): the document must be UTF-8";
        } else if (startsWith(xml, 0x4C, 0x6F, 0xA7, 0x94)) {
            refused = "EBCDIC is not accepted (the document starts with <?xm in EBCDIC): the document must be UTF-8";
        }
        if (refused != null) {
            throw new ContractViolationException(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT, List.of(new Violation(1, 1, "", refused)), null);
        }
    }

    /**
     * Refuses an XML declaration naming another encoding than UTF-8 or another version than 1.0, then any encoding the
     * parser chose other than UTF-8. Both are known once the reader is created, before any markup after the declaration is decoded.
     */
    private void refuseDeclaredEncoding() {
        String declared = reader.getCharacterEncodingScheme();
        if (declared != null && !UTF_8.equalsIgnoreCase(declared)) {
            throw forbidden("", "an encoding other than UTF-8 is not accepted in the XML declaration");
        }
        // XML 1.1 reads NEL (U+0085) and U+2028 as line ends and allows control characters that XML 1.0 refuses: a
        // back-end reading the same bytes as XML 1.0 would see other values, or refuse what the node accepted.
        String version = reader.getVersion();
        if (version != null && !"1.0".equals(version)) {
            throw forbidden("", "an XML version other than 1.0 is not accepted");
        }
        // A second line behind the byte check: whatever the parser detected by itself must be UTF-8 too.
        if (!UTF_8.equalsIgnoreCase(String.valueOf(reader.getEncoding()))) {
            throw forbidden("", "an encoding other than UTF-8 is not accepted (the parser did not read UTF-8)");
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean bindingEvent(ValidationEvent event) {
        // Schema-valid values the bindings still cannot hold (such as the hour 24:00:00) are reported, not dropped.
        if (event.getSeverity() != ValidationEvent.WARNING) {
            add(here(currentPath(), "the value cannot be bound"));
        }
        return true;
    }

    private void add(Violation violation) {
        violations.add(violation);
        if (violations.size() >= MAX_VIOLATIONS) {
            violations.add(new Violation(-1, -1, "", "more than " + MAX_VIOLATIONS + " violations; reading stopped"));
            throw new ContractViolationException(ContractErrorCode.XML_SCHEMA_INVALID, violations, null);
        }
    }

    private Violation here(String path, String message) {
        Location at = reader.getLocation();
        return new Violation(at.getLineNumber(), at.getColumnNumber(), path, message);
    }

    private String currentPath() {
        return paths.isEmpty() ? "" : paths.peek();
    }

    private ContractViolationException forbidden(String path, String message) {
        return new ContractViolationException(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT, List.of(here(path, message)), null);
    }

    private ContractViolationException malformed(XMLStreamException e) {
        if (e.getCause() instanceof ContractViolationException refused) {
            return refused;
        }
        Location at = e.getLocation();
        String message = e.getMessage() == null ? "not well-formed" : e.getMessage();
        int cut = message.indexOf("Message: ");
        message = cut >= 0 ? message.substring(cut + "Message: ".length()) : message;
        // JAXP00010xxx is how the JDK parser reports that one of its processing limits was reached.
        ContractErrorCode code = message.contains("JAXP0001") ? ContractErrorCode.XML_TOO_LARGE : ContractErrorCode.XML_MALFORMED;
        return new ContractViolationException(code, List.of(new Violation(
                at == null ? -1 : at.getLineNumber(), at == null ? -1 : at.getColumnNumber(), currentPath(),
                ValidatorMessages.withholdValues(message, "", 0))), null);
    }

    private static ContractViolationException unwrap(SAXException e) {
        Throwable cause = e.getException() != null ? e.getException() : e.getCause();
        if (cause instanceof ContractViolationException refused) {
            return refused;
        }
        return new ContractViolationException(ContractErrorCode.XML_SCHEMA_INVALID,
                List.of(new Violation(-1, -1, "", "validation stopped: " + ValidatorMessages.withholdValues(String.valueOf(e.getMessage()), "", 0))), e);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static XMLInputFactory inputFactory(CodecLimits limits) {
        // The JDK's own parser, never whichever StAX implementation happens to be on the classpath.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        // Without it the JDK parser hands a CDATA section out as plain characters, and it would pass unseen.
        factory.setProperty(REPORT_CDATA_EVENT, true);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("no external resource is fetched");
        });
        // The parser's own limits, behind the codec's: DTDs never get this far, but nothing is left at its default.
        // (0 would mean "no limit" to the JDK, hence the small positive values.)
        factory.setProperty("jdk.xml.entityExpansionLimit", "16");
        factory.setProperty("jdk.xml.maxGeneralEntitySizeLimit", "1024");
        factory.setProperty("jdk.xml.totalEntitySizeLimit", "4096");
        factory.setProperty("jdk.xml.maxElementDepth", String.valueOf(limits.maxElementDepth() + 1));
        factory.setProperty("jdk.xml.elementAttributeLimit", String.valueOf(limits.maxAttributesPerElement() + 1));
        factory.setProperty("jdk.xml.maxXMLNameLimit", "256");
        return factory;
    }

    /** Gives the validator the parser's position. */
    private final class StaxLocator implements Locator {
        @Override public String getPublicId() { return null; }
        @Override public String getSystemId() { return null; }
        @Override public int getLineNumber() { return reader.getLocation().getLineNumber(); }
        @Override public int getColumnNumber() { return reader.getLocation().getColumnNumber(); }
    }

    /** Collects every validator complaint at the current element path, with the element's value withheld. */
    private final class Collector implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
            // Warnings do not break the contract.
        }

        @Override
        public void error(SAXParseException e) {
            add(new Violation(e.getLineNumber(), e.getColumnNumber(), currentPath(),
                    ValidatorMessages.withholdValues(String.valueOf(e.getMessage()), text.toString(), textLength)));
        }

        @Override
        public void fatalError(SAXParseException e) {
            error(e);
        }
    }
}
