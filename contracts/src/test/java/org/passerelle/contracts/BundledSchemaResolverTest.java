package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.ls.LSInput;

/** Schema imports are served from the bundled files only; any other location is refused, never fetched. */
class BundledSchemaResolverTest {

    private static final String W3C_XML_SCHEMA = "http://www.w3.org/2001/XMLSchema";
    private final BundledSchemaResolver resolver = new BundledSchemaResolver(Set.of("envelope-1.xsd", "common-1.xsd"));

    @Test
    void servesARelativeImportOfABundledFile() {
        // when
        LSInput input = resolver.resolveResource(W3C_XML_SCHEMA, "urn:passerelle:common:1", null, "common-1.xsd",
                "classpath:/xsd/envelope-1.xsd");

        // then
        assertThat(input.getByteStream()).isNotNull();
        assertThat(input.getSystemId()).isEqualTo("classpath:/xsd/common-1.xsd");
    }

    @Test
    void refusesAnImportFromTheNetwork() {
        // when / then
        assertThatThrownBy(() -> resolver.resolveResource(W3C_XML_SCHEMA, "urn:evil", null, "http://127.0.0.1:9/evil.xsd",
                "classpath:/xsd/envelope-1.xsd")).hasMessageContaining("refused");
    }

    @Test
    void refusesABundledFileOutsideTheVersionsSet() {
        // when / then
        assertThatThrownBy(() -> resolver.resolveResource(W3C_XML_SCHEMA, "urn:passerelle:admission:1", null, "admission-1.xsd",
                "classpath:/xsd/envelope-1.xsd")).hasMessageContaining("refused");
    }

    @Test
    void refusesAPathThatClimbsOutOfTheSchemaFolder() {
        // when / then
        assertThatThrownBy(() -> resolver.resolveResource(W3C_XML_SCHEMA, "urn:x", null, "../../etc/passwd",
                "classpath:/xsd/envelope-1.xsd")).hasMessageContaining("refused");
    }
}
