package io.scopegate.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The gateway's feature packages depend on each other in one direction only, so each can be read
 * and changed on its own: policies decide, the access filter acts.
 */
class PackageStructureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.scopegate.gateway");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.scopegate.gateway.(*)..")
                .should()
                .beFreeOfCycles()
                .check(GATEWAY);
    }

    @Test
    void policiesDecideWithoutTouchingTheFilterChain() {
        noClasses()
                .that()
                .resideInAnyPackage("..gateway.scope..", "..gateway.token..", "..gateway.revocation..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.springframework.cloud.gateway.filter.GatewayFilterChain")
                .check(GATEWAY);
    }

    @Test
    void onlyTheHttpPackageWritesRefusals() {
        noClasses()
                .that()
                .resideOutsideOfPackages("..gateway.http..", "..gateway.auth..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("Rejections")
                .check(GATEWAY);
    }
}
