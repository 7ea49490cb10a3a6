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
 * Reads one document securely and in one pass: a StAX parser that refuses any DOCTYPE, entity reference or XInclude
 * and bounds depth and attributes, feeding a schema validator that collects every violation with its element path,
 * which in turn feeds the JAXB unmarshaller. Not thread-safe: one instance per document.
 */
final class SecureDocumentReader {

    static final String XINCLUDE_NAMESPACE = "http://www.w3.org/2001/XInclude";
    /** Past this many violations the document is not worth reading further. */
    static final int MAX_VIOLATIONS = 500;
    /** Text kept per element to recognise (and withhold) the element's value in validator messages. */
    private static final int MAX_TEXT_KEPT = 256;

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
        try {
            reader = inputFactory(limits).createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
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
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> characters(validator);
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

    private void refuseForbidden(int event) {
        switch (event) {
            case XMLStreamConstants.DTD -> throw forbidden("", "a DOCTYPE is not accepted");
            case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION, XMLStreamConstants.NOTATION_DECLARATION ->
                    throw forbidden(currentPath(), "entities are not accepted");
            default -> { }
        }
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
