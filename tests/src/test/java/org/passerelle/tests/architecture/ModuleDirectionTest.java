package org.passerelle.tests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.ErrorCode;

/** Keeps the modules one-way: contracts knows only XML, security only the JDK and Bouncy Castle. */
class ModuleDirectionTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.passerelle");
    }

    @Test
    void contractsKnowsOnlyXml() {
        noClasses().that().resideInAPackage("org.passerelle.contracts..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.passerelle.security..", "org.passerelle.gateway..",
                        "org.springframework..", "org.apache.camel..", "org.bouncycastle..")
                .check(production);
    }

    /**
     * Security knows the JDK, Bouncy Castle and, of the contracts module, only the error catalogue's one interface
     * ({@link ErrorCode}, which its codes implement): nothing of XML, the envelopes or the gateway.
     */
    @Test
    void securityKnowsOnlyTheJdkAndBouncyCastle() {
        noClasses().that().resideInAPackage("org.passerelle.security..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                        "org.passerelle.contracts..", "org.passerelle.gateway..",
                        "org.springframework..", "org.apache.camel..", "jakarta.xml.bind..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(ErrorCode.class))))
                .check(production);
    }

    @Test
    void bouncyCastleStaysInsideSecurity() {
        noClasses().that().resideOutsideOfPackage("org.passerelle.security..")
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
                .check(production);
    }

    @Test
    void noBouncyCastleTypeInAPublicSignatureOfSecurity() {
        methods().that().areDeclaredInClassesThat().resideInAPackage("org.passerelle.security..")
                .and().arePublic()
                .and().areDeclaredInClassesThat().arePublic()
                .should(notMentionBouncyCastle())
                .allowEmptyShould(true)
                .check(production);
    }

    private static ArchCondition<JavaMethod> notMentionBouncyCastle() {
        DescribedPredicate<JavaClass> bouncyCastle = DescribedPredicate.describe(
                "a Bouncy Castle type", type -> type.getPackageName().startsWith("org.bouncycastle"));
        return new ArchCondition<>("not take or return a Bouncy Castle type") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                boolean mentions = bouncyCastle.test(method.getRawReturnType())
                        || method.getRawParameterTypes().stream().anyMatch(bouncyCastle);
                if (mentions) {
                    events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes a Bouncy Castle type"));
                }
            }
        };
    }
}
