package org.passerelle.contracts;

import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.envelope.v1.Envelope;

/**
 * Reads and writes Passerelle envelopes: parses securely, validates against the bundled schemas of the envelope's
 * version (reporting every violation with line, column and element path), applies the rules the schemas cannot
 * express and checks every biometric transaction against what the body states about it.
 *
 * <p>Every document read, and every document written (which is read back), is held to one XML profile, so that a
 * back-end parsing the forwarded bytes its own way sees the very values checked here. Anywhere in the document (before,
 * inside and after the root element), anything outside it is refused with
 * {@link ContractErrorCode#XML_FORBIDDEN_CONSTRUCT} and a violation naming line, column, element path ("" outside the
 * root element) and the construct, never the document's text:
 * <ul>
 *   <li>UTF-8 only, without a byte order mark. The XML declaration is optional; its encoding, when given, must be
 *       UTF-8 (in any letter case). Bytes that start like UTF-16, UTF-32 or EBCDIC are refused before parsing.</li>
 *   <li>No comment, no processing instruction (the XML declaration is not one), no CDATA section.</li>
 *   <li>No DOCTYPE, no entity, no XInclude.</li>
 * </ul>
 *
 * <p>Built once and shared: the compiled schemas and JAXB contexts are cached, and every method is thread-safe.
 * Refusals are {@link ContractViolationException}s carrying a stable {@link ContractErrorCode}.
 */
public final class MessageCodec {

    private static final int READ_CHUNK = 64 * 1024;

    private final CodecLimits limits;
    private final Map<String, CompiledSchemaSet> served;
    private final NistTransactionCheck transactionCheck;

    /** A codec with the default limits serving every version this build knows. */
    public MessageCodec() {
        this(CodecLimits.defaults(), SchemaCatalogue.standard());
    }

    public MessageCodec(CodecLimits limits) {
        this(limits, SchemaCatalogue.standard());
    }

    public MessageCodec(CodecLimits limits, SchemaCatalogue catalogue) {
        this.limits = Objects.requireNonNull(limits, "limits");
        Map<String, CompiledSchemaSet> compiled = new LinkedHashMap<>();
        for (SchemaSet set : catalogue.sets()) {
            compiled.put(set.envelopeNamespace(), CompiledSchemaSet.compile(set));
        }
        this.served = Map.copyOf(compiled);
        this.transactionCheck = new NistTransactionCheck(limits.maxTransactionBytes());
    }

    /** The envelope namespaces (contract versions) this codec accepts. */
    public List<String> servedNamespaces() {
        return served.keySet().stream().sorted().toList();
    }

    /**
     * Reads a message from a stream, counting bytes as they arrive: a stream longer than the limit is refused with
     * {@code XML_TOO_LARGE} as soon as the limit is passed, without reading the rest. The bytes read are then checked
     * exactly as {@link #decode(byte[])} checks them.
     */
    public DecodedMessage decode(InputStream in) {
        Objects.requireNonNull(in, "in");
        int max = limits.maxDocumentBytes();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.min(max, READ_CHUNK));
        byte[] chunk = new byte[READ_CHUNK];
        long total = 0;
        try {
            int n;
            while ((n = in.read(chunk, 0, (int) Math.min(chunk.length, max + 1L - total))) > 0) {
                total += n;
                if (total > max) {
                    throw tooLarge();
                }
                buffer.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the message could not be read", e);
        }
        return decodeOwned(buffer.toByteArray());
    }

    /** Reads a message from its exact bytes (which are copied, and kept, unchanged). */
    public DecodedMessage decode(byte[] xml) {
        Objects.requireNonNull(xml, "xml");
        if (xml.length > limits.maxDocumentBytes()) {
            throw tooLarge();
        }
        return decodeOwned(xml.clone());
    }

    /**
     * Reads a message from bytes the caller hands over: they become the message's exact bytes without a copy, and the
     * caller must not change them afterwards (for a body of several megabytes the copy was one more of it on the heap
     * while the document is read, the costliest moment).
     */
    public DecodedMessage decodeHandedOver(byte[] xml) {
        Objects.requireNonNull(xml, "xml");
        if (xml.length > limits.maxDocumentBytes()) {
            throw tooLarge();
        }
        return decodeOwned(xml);
    }

    private DecodedMessage decodeOwned(byte[] xml) {
        SecureDocumentReader.Result read = new SecureDocumentReader(served, limits).read(xml);
        checkRules(read.set(), read.root(), read.locations());
        return new DecodedMessage(read.set().set().envelopeNamespace(), read.root(), xml);
    }

    private void checkRules(CompiledSchemaSet set, Object root, ElementLocations where) {
        List<Violation> broken = set.set().rules().check(root, where);
        if (!broken.isEmpty()) {
            throw new ContractViolationException(ContractErrorCode.XML_SCHEMA_INVALID, broken, null);
        }
        set.set().rules().checkBiometrics(root, where, transactionCheck);
    }

    /**
     * Writes a version 1 envelope as UTF-8 with the fixed prefixes (an XML declaration naming UTF-8, no byte order mark,
     * comment, processing instruction or CDATA section), then reads the result back through every check of
     * {@link #decode(byte[])}: an envelope that breaks its contract is refused ({@code XML_SCHEMA_INVALID} with every
     * violation and its path, or a biometric code); one that JAXB cannot write at all is a fault of the node, not of a
     * message, and is thrown as an {@link IllegalStateException}.
     */
    public byte[] encode(Envelope envelope) {
        return encodeRoot(envelope);
    }

    private byte[] encodeRoot(Object root) {
        Objects.requireNonNull(root, "envelope");
        CompiledSchemaSet set = served.values().stream()
                .filter(candidate -> candidate.binds(root))
                .findFirst().orElse(null);
        if (set == null) {
            throw new ContractViolationException(ContractErrorCode.XML_UNSUPPORTED_NAMESPACE, List.of(new Violation(-1, -1, "",
                    "no served contract version binds " + root.getClass().getName())), null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Marshaller marshaller = set.context().createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_ENCODING, StandardCharsets.UTF_8.name());
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
            marshaller.setProperty("org.glassfish.jaxb.namespacePrefixMapper", set.prefixMapper());
            marshaller.marshal(root, out);
        } catch (JAXBException | RuntimeException e) {
            throw new IllegalStateException("the envelope could not be written as XML", e);
        }
        byte[] xml = canonicalRootDeclarations(out.toByteArray());
        if (xml.length > limits.maxDocumentBytes()) {
            throw tooLarge();
        }
        decodeOwned(xml);
        return xml;
    }

    /** The root start tag as the runtime writes it: the element name, then namespace declarations only. */
    private static final Pattern ROOT_TAG = Pattern.compile("<([A-Za-z][\\w.-]*:[A-Za-z][\\w.-]*)((?:\\s+xmlns:[A-Za-z][\\w.-]*=\"[^\"]*\")+)\\s*>");
    private static final Pattern DECLARATION = Pattern.compile("xmlns:([A-Za-z][\\w.-]*)=\"[^\"]*\"");
    private static final List<String> DECLARATION_ORDER = List.of("bio", "cmn", "ra", "adm", "cs", "eq", "env");

    /**
     * Rewrites the root element's namespace declarations in one fixed order (bio, cmn, ra, adm, cs, eq, env; other
     * prefixes after them alphabetically). The runtime declares them in the order of its context's internal tables,
     * which follows the order the bindings were generated in and so differs from one build to the next: without this,
     * the same envelope would encode to different bytes on different builds.
     */
    private static byte[] canonicalRootDeclarations(byte[] xml) {
        int head = Math.min(xml.length, 4096);
        String start = new String(xml, 0, head, StandardCharsets.UTF_8);
        Matcher root = ROOT_TAG.matcher(start);
        if (!root.find()) {
            return xml;
        }
        List<String> declarations = new ArrayList<>();
        Matcher d = DECLARATION.matcher(root.group(2));
        while (d.find()) {
            declarations.add(d.group());
        }
        declarations.sort(Comparator.comparing((String decl) -> {
            String prefix = decl.substring("xmlns:".length(), decl.indexOf('='));
            int rank = DECLARATION_ORDER.indexOf(prefix);
            return rank < 0 ? DECLARATION_ORDER.size() : rank;
        }).thenComparing(Comparator.naturalOrder()));
        String rewritten = "<" + root.group(1) + " " + String.join(" ", declarations) + ">";
        byte[] prefix = start.substring(0, root.start()).getBytes(StandardCharsets.UTF_8);
        byte[] tag = rewritten.getBytes(StandardCharsets.UTF_8);
        int rest = prefix.length + root.group().getBytes(StandardCharsets.UTF_8).length;
        byte[] result = new byte[prefix.length + tag.length + xml.length - rest];
        System.arraycopy(prefix, 0, result, 0, prefix.length);
        System.arraycopy(tag, 0, result, prefix.length, tag.length);
        System.arraycopy(xml, rest, result, prefix.length + tag.length, xml.length - rest);
        return result;
    }

    private ContractViolationException tooLarge() {
        return new ContractViolationException(ContractErrorCode.XML_TOO_LARGE, List.of(new Violation(-1, -1, "",
                "the document is larger than " + limits.maxDocumentBytes() + " bytes")), null);
    }
}
