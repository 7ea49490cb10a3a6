package org.passerelle.contracts;

import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.util.Set;
import javax.xml.transform.stream.StreamSource;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;

/**
 * Serves schema imports from the schema files bundled on the classpath, and nothing else: an import of any other
 * location (a URL, a path outside the set) fails schema compilation instead of reaching the network or the disk.
 */
final class BundledSchemaResolver implements LSResourceResolver {

    /** The system id under which bundled files are known; never dereferenced, only matched. */
    private static final String BASE = "classpath:/xsd/";

    private final Set<String> files;

    BundledSchemaResolver(Set<String> files) {
        this.files = files;
    }

    /** The entry schema as a source whose imports this resolver will serve. */
    static StreamSource source(String file) {
        return new StreamSource(open(file), BASE + file);
    }

    @Override
    public LSInput resolveResource(String type, String namespaceUri, String publicId, String systemId, String baseUri) {
        String file = bundledName(systemId, baseUri);
        if (file == null || !files.contains(file)) {
            throw new IllegalStateException("schema import outside the bundled set refused: " + systemId);
        }
        return new BundledInput(BASE + file, publicId, open(file));
    }

    /** The bundled file a relative location names, or null when it names anything else. */
    private static String bundledName(String systemId, String baseUri) {
        if (systemId == null || baseUri == null || !baseUri.startsWith(BASE)) {
            return null;
        }
        String name = systemId.startsWith(BASE) ? systemId.substring(BASE.length()) : systemId;
        return name.matches("[a-z0-9]+-[0-9]+\\.xsd") ? name : null;
    }

    private static InputStream open(String file) {
        URL url = BundledSchemaResolver.class.getResource(SchemaSet.SCHEMA_FOLDER + file);
        if (url == null) {
            throw new IllegalStateException("bundled schema missing from the classpath: " + file);
        }
        try {
            return url.openStream();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("bundled schema unreadable: " + file, e);
        }
    }

    /** An already opened bundled file. */
    private record BundledInput(String systemId, String publicId, InputStream byteStream) implements LSInput {

        @Override public Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(Reader characterStream) { throw new UnsupportedOperationException(); }
        @Override public InputStream getByteStream() { return byteStream; }
        @Override public void setByteStream(InputStream byteStream) { throw new UnsupportedOperationException(); }
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String stringData) { throw new UnsupportedOperationException(); }
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String systemId) { throw new UnsupportedOperationException(); }
        @Override public String getPublicId() { return publicId; }
        @Override public void setPublicId(String publicId) { throw new UnsupportedOperationException(); }
        @Override public String getBaseURI() { return systemId; }
        @Override public void setBaseURI(String baseUri) { throw new UnsupportedOperationException(); }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String encoding) { throw new UnsupportedOperationException(); }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean certifiedText) { throw new UnsupportedOperationException(); }
    }
}
