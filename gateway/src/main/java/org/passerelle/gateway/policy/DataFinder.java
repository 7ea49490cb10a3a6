package org.passerelle.gateway.policy;

import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.annotation.XmlAnyAttribute;
import jakarta.xml.bind.annotation.XmlAnyElement;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementRef;
import jakarta.xml.bind.annotation.XmlElementRefs;
import jakarta.xml.bind.annotation.XmlElements;
import jakarta.xml.bind.annotation.XmlMixed;
import jakarta.xml.bind.annotation.XmlSchema;
import jakarta.xml.bind.annotation.XmlType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

/**
 * Finds, in a bound message, every element that carries one of the given leaf categories, by its element path
 * ({@code /Envelope/Body/ReadmissionRequest/Person/FamilyName}). It walks the object graph the codec bound from the
 * schema-valid bytes, so the path is the element structure itself: prefixes and namespace declarations in the text
 * cannot hide an element from it.
 */
final class DataFinder {

    /** One element carrying a forbidden category; no value, only where it is. */
    record Finding(DataCategory category, String path) {
        @Override
        public String toString() {
            return category + " at " + path;
        }
    }

    /** The bound child elements of a class, resolved once per class. */
    private record ChildElement(String name, Field field) {
    }

    private static final Map<Class<?>, List<ChildElement>> CHILDREN_OF = new ConcurrentHashMap<>();

    private DataFinder() {
    }

    /** Every element under {@code root} (bound element {@code rootName}) that carries one of {@code forbidden}. */
    static List<Finding> find(Object root, String rootName, Set<DataCategory> forbidden) {
        List<Finding> findings = new ArrayList<>();
        if (!forbidden.isEmpty()) {
            walk(root, "/" + rootName, forbidden, findings);
        }
        return findings;
    }

    private static void walk(Object node, String path, Set<DataCategory> forbidden, List<Finding> findings) {
        Class<?> type = node.getClass();
        String namespace = namespaceOf(type);
        if (!ElementCategories.NAMESPACES.contains(namespace)) {
            throw unmapped(path, namespace);
        }
        DataCategory whole = ElementCategories.WHOLE.get(type);
        if (whole != null) {
            if (forbidden.contains(whole)) {
                findings.add(new Finding(whole, path));
            }
            // Nothing inside a whole-category element carries another category; the element is judged as one.
            return;
        }
        Map<String, DataCategory> byChild = ElementCategories.CHILDREN.getOrDefault(type, Map.of());
        for (ChildElement child : childrenOf(type)) {
            Object value = read(child.field(), node);
            if (value == null) {
                continue;
            }
            List<?> values = value instanceof List<?> list ? list : List.of(value);
            for (int i = 0; i < values.size(); i++) {
                String childPath = path + "/" + child.name() + (value instanceof List<?> ? "[" + (i + 1) + "]" : "");
                DataCategory category = byChild.get(child.name());
                if (category != null && forbidden.contains(category)) {
                    findings.add(new Finding(category, childPath));
                    continue;
                }
                Object item = values.get(i);
                if (item instanceof JAXBElement<?> element) {
                    item = element.getValue();
                }
                if (item != null && isComplex(item.getClass())) {
                    walk(item, childPath, forbidden, findings);
                }
            }
        }
    }

    /** A bound complex type (not an enumeration, not a simple value such as a string, date or byte array). */
    private static boolean isComplex(Class<?> type) {
        return type.isAnnotationPresent(XmlType.class) && !type.isEnum();
    }

    private static List<ChildElement> childrenOf(Class<?> type) {
        return CHILDREN_OF.computeIfAbsent(type, DataFinder::resolveChildren);
    }

    private static List<ChildElement> resolveChildren(Class<?> type) {
        List<ChildElement> children = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isTransient(field.getModifiers())) {
                    continue;
                }
                // Content this walker cannot name element by element would be content it cannot judge: refuse to map it.
                if (field.isAnnotationPresent(XmlAnyElement.class) || field.isAnnotationPresent(XmlElementRef.class)
                        || field.isAnnotationPresent(XmlElementRefs.class) || field.isAnnotationPresent(XmlElements.class)
                        || field.isAnnotationPresent(XmlMixed.class)) {
                    throw unmapped(type.getSimpleName() + "." + field.getName(), namespaceOf(type));
                }
                XmlElement element = field.getAnnotation(XmlElement.class);
                if (element == null || field.isAnnotationPresent(XmlAnyAttribute.class)) {
                    continue; // attributes and values: the contract carries no personal data in attributes
                }
                String name = "##default".equals(element.name()) ? field.getName() : element.name();
                field.setAccessible(true);
                children.add(new ChildElement(name, field));
            }
        }
        return List.copyOf(children);
    }

    private static Object read(Field field, Object node) {
        try {
            return field.get(node);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read bound field " + field, e);
        }
    }

    private static String namespaceOf(Class<?> type) {
        XmlType xmlType = type.getAnnotation(XmlType.class);
        if (xmlType != null && !"##default".equals(xmlType.namespace())) {
            return xmlType.namespace();
        }
        XmlSchema schema = type.getPackage().getAnnotation(XmlSchema.class);
        return schema == null ? "" : schema.namespace();
    }

    /**
     * Content the category mapping does not cover: refused, because the node cannot show that it carries none of the
     * forbidden categories.
     */
    private static GatewayException unmapped(String where, String namespace) {
        return new GatewayException(GatewayErrorCode.DATA_SHARING_REFUSED,
                "The data-sharing policy cannot judge content it has no category mapping for: " + where,
                List.of("unmapped at " + where + (namespace.isEmpty() ? "" : " (namespace " + namespace + ")")), null);
    }
}
