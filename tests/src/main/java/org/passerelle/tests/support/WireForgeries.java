package org.passerelle.tests.support;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Envelopes that break the wire's one XML profile (UTF-8 without a byte order mark, XML 1.0, no comments, processing
 * instructions or CDATA) while saying the same thing to a lenient parser: what a back-end could read otherwise than
 * the node did. Each is refused with {@code XML_FORBIDDEN_CONSTRUCT} at intake and at the inbox.
 */
public final class WireForgeries {

    private WireForgeries() {
    }

    /** Each forgery by name, as a change of a valid envelope's bytes. */
    public static Map<String, UnaryOperator<byte[]>> outsideTheXmlProfile() {
        Map<String, UnaryOperator<byte[]>> forgeries = new LinkedHashMap<>();
        forgeries.put("a comment inside the From value", xml -> text(xml, "<cmn:From>", "<cmn:From><!-- DE -->"));
        forgeries.put("a commented-out second From", xml -> text(xml, "</cmn:From>", "</cmn:From><!--<cmn:From>DE</cmn:From>-->"));
        forgeries.put("a CDATA section in the From value", xml -> cdataFrom(xml));
        forgeries.put("a processing instruction before the root", xml -> afterDeclaration(xml, "<?xml-stylesheet href=\"x.xsl\"?>"));
        forgeries.put("a comment after the root", xml -> concat(xml, "<!-- trailing -->".getBytes(StandardCharsets.UTF_8)));
        forgeries.put("a UTF-8 byte order mark", xml -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, xml));
        forgeries.put("UTF-16", xml -> reencoded(xml, "UTF-16", StandardCharsets.UTF_16));
        forgeries.put("EBCDIC", xml -> reencoded(xml, "IBM037", Charset.forName("IBM037")));
        forgeries.put("XML 1.1", xml -> declaration(xml, "<?xml version=\"1.1\" encoding=\"UTF-8\"?>"));
        return forgeries;
    }

    private static byte[] cdataFrom(byte[] xml) {
        String from = Envelopes.header(xml, "From");
        return text(xml, "<cmn:From>" + from + "</cmn:From>", "<cmn:From><![CDATA[" + from + "]]></cmn:From>");
    }

    private static byte[] text(byte[] xml, String what, String with) {
        String s = new String(xml, StandardCharsets.UTF_8);
        if (!s.contains(what)) {
            throw new IllegalArgumentException("the envelope has no " + what);
        }
        return s.replaceFirst(java.util.regex.Pattern.quote(what), java.util.regex.Matcher.quoteReplacement(with))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] declaration(byte[] xml, String declaration) {
        String s = new String(xml, StandardCharsets.UTF_8);
        return (s.startsWith("<?xml ") ? declaration + s.substring(s.indexOf("?>") + 2) : declaration + s)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] afterDeclaration(byte[] xml, String what) {
        String s = new String(xml, StandardCharsets.UTF_8);
        int at = s.startsWith("<?xml ") ? s.indexOf("?>") + 2 : 0;
        return (s.substring(0, at) + what + s.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] reencoded(byte[] xml, String declared, Charset charset) {
        String s = new String(declaration(xml, "<?xml version=\"1.0\" encoding=\"" + declared + "\"?>"), StandardCharsets.UTF_8);
        return s.getBytes(charset);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
