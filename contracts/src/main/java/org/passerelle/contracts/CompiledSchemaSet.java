package org.passerelle.contracts;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.JAXBIntrospector;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.glassfish.jaxb.runtime.marshaller.NamespacePrefixMapper;
import org.xml.sax.SAXException;

/** A served version made ready once: its compiled schema (the very bundled XSD files) and its JAXB context, both thread-safe. */
final class CompiledSchemaSet {

    private final SchemaSet set;
    private final Schema schema;
    private final JAXBContext context;
    private final NamespacePrefixMapper prefixMapper;

    private CompiledSchemaSet(SchemaSet set, Schema schema, JAXBContext context) {
        this.set = set;
        this.schema = schema;
        this.context = context;
        this.prefixMapper = new FixedPrefixes(set.prefixes());
    }

    static CompiledSchemaSet compile(SchemaSet set) {
        try {
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setResourceResolver(new BundledSchemaResolver(Set.copyOf(set.schemaFiles())));
            String entry = set.schemaFiles().get(0);
            Schema schema = factory.newSchema(BundledSchemaResolver.source(entry));
            JAXBContext context = JAXBContext.newInstance(String.join(":", set.boundPackages()), CompiledSchemaSet.class.getClassLoader());
            return new CompiledSchemaSet(set, schema, context);
        } catch (SAXException | JAXBException e) {
            throw new IllegalStateException("the bundled contract " + set.envelopeNamespace() + " cannot be compiled", e);
        }
    }

    SchemaSet set() {
        return set;
    }

    Schema schema() {
        return schema;
    }

    JAXBContext context() {
        return context;
    }

    /** Whether the object is the root element (the envelope) of this version. */
    boolean binds(Object root) {
        JAXBIntrospector introspector = context.createJAXBIntrospector();
        QName name = introspector.isElement(root) ? introspector.getElementName(root) : null;
        return name != null && name.getNamespaceURI().equals(set.envelopeNamespace());
    }

    NamespacePrefixMapper prefixMapper() {
        return prefixMapper;
    }

    /** Writes each served namespace with its fixed prefix (env, cmn, bio, ra, adm, cs, eq) so that output is stable and readable. */
    private static final class FixedPrefixes extends NamespacePrefixMapper {

        private final Map<String, String> prefixes;

        FixedPrefixes(Map<String, String> prefixes) {
            this.prefixes = prefixes;
        }

        @Override
        public String getPreferredPrefix(String namespaceUri, String suggestion, boolean requirePrefix) {
            return prefixes.getOrDefault(namespaceUri, suggestion);
        }
    }
}
