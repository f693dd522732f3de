package io.zconn.ra;

import io.zconn.ra.inflow.ZmqActivationSpec;
import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps deployment/rar's ra.xml and the @ConfigProperty annotations in step. */
class RaDescriptorTest {
    private static final Path RA_XML = Path.of("../deployment/rar/src/main/rar/META-INF/ra.xml");

    @Test
    void raXmlDocumentsEveryAnnotatedConfigPropertyWithTheSameDefault() throws Exception {
        assertThat(RA_XML).exists();
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(Files.newInputStream(RA_XML));
        check(doc, "resourceadapter", ZmqResourceAdapter.class);
        check(doc, "connection-definition", ZmqManagedConnectionFactory.class);
        NodeList specs = doc.getElementsByTagNameNS("*", "activationspec");
        assertThat(specs.getLength()).as("a messagelistener per listener type")
                .isEqualTo(ZmqActivationSpec.class.getAnnotation(Activation.class).messageListeners().length);
        for (int i = 0; i < specs.getLength(); i++) {
            assertThat(properties((Element) specs.item(i))).isEqualTo(annotated(ZmqActivationSpec.class));
        }
    }

    private static void check(Document doc, String parent, Class<?> type) {
        Element e = (Element) doc.getElementsByTagNameNS("*", parent).item(0);
        assertThat(properties(e)).as(type.getSimpleName()).isEqualTo(annotated(type));
    }

    /** name -> "type=default|description" of the element's direct config-property children. */
    private static Map<String, String> properties(Element parent) {
        Map<String, String> out = new LinkedHashMap<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element c && c.getLocalName().equals("config-property")) {
                out.put(text(c, "config-property-name"), text(c, "config-property-type") + "="
                        + text(c, "config-property-value") + "|" + text(c, "description"));
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        NodeList n = e.getElementsByTagNameNS("*", name);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }

    private static Map<String, String> annotated(Class<?> type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            ConfigProperty p = f.getAnnotation(ConfigProperty.class);
            if (p != null) {
                out.put(f.getName(), f.getType().getName() + "=" + p.defaultValue() + "|" + p.description()[0]);
            }
        }
        return out;
    }
}
