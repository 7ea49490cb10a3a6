package org.passerelle.gateway.records;

import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.datatype.XMLGregorianCalendar;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.DecodedMessage;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.admission.v1.FamilyLink;
import org.passerelle.contracts.biometric.v1.Hit;
import org.passerelle.contracts.biometrics.DeclaredBiometrics;
import org.passerelle.contracts.biometrics.DeclaredFingerprint;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.common.v1.IdentityDocument;
import org.passerelle.contracts.common.v1.PersonIdentity;
import org.passerelle.contracts.readmission.v1.VulnerabilityScreening;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.policy.DataCategory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Shows a stored envelope as a list of {@code {path, value}} fields, walking the object graph the codec bound from the
 * decrypted bytes. The field policy:
 * <ul>
 *   <li>a {@code cmn:BiometricSet} is never shown: its path is listed as withheld ({@code BIOMETRICS}) and, beside the
 *       fields, a summary gives the transaction's SHA-256, size and record counts — never a byte of it;</li>
 *   <li>fields of the data categories configured as withheld for the caller's role
 *       ({@code passerelle.records.withheld}) are listed by path with the category, without their value;</li>
 *   <li>every other element's text is shown.</li>
 * </ul>
 * The category of an element follows its schema type, as the data-sharing policy maps them.
 */
@Component
@EnableConfigurationProperties(RecordsProperties.class)
class PayloadPresenter {

    private static final Logger log = LoggerFactory.getLogger(PayloadPresenter.class);

    /** One field of the payload; {@code withheld} names the category when its value is not shown. */
    public record FieldView(String path, String value, String withheld) {
    }

    /** What a biometric transaction is, without any of its bytes. */
    public record BiometricSummary(String path, String sha256, int size, Map<String, Integer> fingerprintRecords,
                            Boolean facialImage, Boolean irisImage) {
    }

    /** The payload as shown: fields and biometric summaries, or why nothing is shown. */
    public record PayloadView(String shown, String reason, List<FieldView> fields, List<BiometricSummary> biometrics) {

        static PayloadView withheld(String reason) {
            return new PayloadView("WITHHELD", reason, List.of(), List.of());
        }
    }

    /** Schema types whose every element carries one category (as the data-sharing policy has them). */
    private static final Map<Class<?>, DataCategory> WHOLE = Map.of(
            IdentityDocument.class, DataCategory.IDENTITY_DOCUMENTS,
            VulnerabilityScreening.class, DataCategory.VULNERABILITY_SCREENING,
            FamilyLink.class, DataCategory.FAMILY_LINK,
            Hit.class, DataCategory.EURODAC_HITS);

    /** Schema types some of whose children carry a category. */
    private static final Map<Class<?>, Map<String, DataCategory>> CHILDREN = Map.of(
            PersonIdentity.class, Map.of(
                    "FamilyName", DataCategory.NAMES,
                    "GivenNames", DataCategory.NAMES,
                    "DateOfBirth", DataCategory.DATE_OF_BIRTH,
                    "Nationality", DataCategory.NATIONALITY,
                    "Sex", DataCategory.SEX));

    private static final Map<Class<?>, List<Child>> CHILDREN_OF = new ConcurrentHashMap<>();

    private record Child(String name, Field field) {
    }

    private final MessageCodec codec;
    private final NistTransactionCheck transactions = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);
    private final Map<Caller.Role, Set<DataCategory>> withheld;

    PayloadPresenter(MessageCodec codec, RecordsProperties properties) {
        this.codec = codec;
        Map<Caller.Role, Set<DataCategory>> resolved = new java.util.EnumMap<>(Caller.Role.class);
        properties.withheld().forEach((role, categories) -> resolved.put(role, DataCategory.leavesOf(categories)));
        this.withheld = resolved;
    }

    /** The envelope's fields as the role may see them. */
    PayloadView present(byte[] envelope, Caller.Role role) {
        DecodedMessage decoded = codec.decode(envelope);
        Set<DataCategory> hidden = withheld.getOrDefault(role, Set.of());
        hidden = hidden.isEmpty() ? EnumSet.noneOf(DataCategory.class) : EnumSet.copyOf(hidden);
        List<FieldView> fields = new ArrayList<>();
        List<BiometricSummary> biometrics = new ArrayList<>();
        walk(decoded.envelope(), "/Envelope", hidden, fields, biometrics);
        return new PayloadView("SHOWN", null, List.copyOf(fields), List.copyOf(biometrics));
    }

    private void walk(Object node, String path, Set<DataCategory> hidden, List<FieldView> fields,
                      List<BiometricSummary> biometrics) {
        if (node instanceof BiometricSet set) {
            fields.add(new FieldView(path, null, DataCategory.BIOMETRICS.name()));
            biometrics.add(summary(path, set));
            return;
        }
        DataCategory whole = WHOLE.get(node.getClass());
        if (whole != null && hidden.contains(whole)) {
            fields.add(new FieldView(path, null, whole.name()));
            return;
        }
        Map<String, DataCategory> byChild = CHILDREN.getOrDefault(node.getClass(), Map.of());
        for (Child child : childrenOf(node.getClass())) {
            Object value = read(child.field(), node);
            if (value == null) {
                continue;
            }
            List<?> values = value instanceof List<?> list ? list : List.of(value);
            for (int i = 0; i < values.size(); i++) {
                String childPath = path + "/" + child.name() + (value instanceof List<?> ? "[" + (i + 1) + "]" : "");
                Object item = values.get(i);
                if (item instanceof JAXBElement<?> element) {
                    item = element.getValue();
                }
                if (item == null) {
                    continue;
                }
                DataCategory category = byChild.get(child.name());
                if (category != null && hidden.contains(category)) {
                    fields.add(new FieldView(childPath, null, category.name()));
                } else if (isComplex(item.getClass())) {
                    walk(item, childPath, hidden, fields, biometrics);
                } else {
                    fields.add(new FieldView(childPath, text(item), null));
                }
            }
        }
    }

    private BiometricSummary summary(String path, BiometricSet set) {
        byte[] transaction = set.getTransaction();
        if (transaction == null) {
            return new BiometricSummary(path, null, 0, Map.of(), null, null);
        }
        Map<String, Integer> records = new TreeMap<>();
        Boolean face = null;
        Boolean iris = null;
        try {
            DeclaredBiometrics described = transactions.describe(transaction);
            for (DeclaredFingerprint f : described.fingerprints()) {
                records.merge("type-" + f.recordType(), 1, Integer::sum);
            }
            face = described.facialImage();
            iris = described.irisImage();
        } catch (RuntimeException e) {
            // The codec accepted it, so this is not expected; the digest and size still say which transaction it is.
            log.warn("Could not describe a stored biometric transaction: {}", e.getClass().getSimpleName());
        }
        return new BiometricSummary(path, Digests.sha256Hex(transaction), transaction.length, records, face, iris);
    }

    /** A simple value as its schema text; binary content is never shown (the contract has none outside biometrics). */
    private static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return "[binary, " + bytes.length + " bytes, SHA-256 " + Digests.sha256Hex(bytes) + "]";
        }
        if (value instanceof XMLGregorianCalendar calendar) {
            return calendar.toXMLFormat();
        }
        if (value instanceof Enum<?> e) {
            try {
                Method v = e.getClass().getMethod("value");
                return String.valueOf(v.invoke(e));
            } catch (ReflectiveOperationException noValue) {
                return e.name();
            }
        }
        return String.valueOf(value);
    }

    private static boolean isComplex(Class<?> type) {
        return type.isAnnotationPresent(XmlType.class) && !type.isEnum();
    }

    private static List<Child> childrenOf(Class<?> type) {
        return CHILDREN_OF.computeIfAbsent(type, PayloadPresenter::resolve);
    }

    private static List<Child> resolve(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Child> children = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                XmlElement element = field.getAnnotation(XmlElement.class);
                if (element == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                children.add(new Child("##default".equals(element.name()) ? field.getName() : element.name(), field));
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
}
