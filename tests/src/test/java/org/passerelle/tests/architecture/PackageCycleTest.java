package org.passerelle.tests.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * Keeps the gateway's packages one-way: no package depends, directly or through others, on a package that depends on
 * it. Each package is its own slice, so a sub-package and its parent (such as {@code exchange.inbound} and
 * {@code exchange}) may not depend on each other either.
 */
class PackageCycleTest {

    private static final String GATEWAY = "org.passerelle.gateway";

    @Test
    void gatewayPackagesAreFreeOfCycles() {
        JavaClasses gateway = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(GATEWAY);
        slices().assignedFrom(eachPackage()).should().beFreeOfCycles().check(gateway);
    }

    private static SliceAssignment eachPackage() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                return p.equals(GATEWAY) || p.startsWith(GATEWAY + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "each package of " + GATEWAY;
            }
        };
    }
}
