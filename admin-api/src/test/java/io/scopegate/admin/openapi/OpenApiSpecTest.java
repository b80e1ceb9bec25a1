package io.scopegate.admin.openapi;

import static org.assertj.core.api.Assertions.fail;

import io.scopegate.admin.AdminApiTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * The committed {@code docs/openapi.yaml} is exactly what the code describes at {@code /v3/api-docs.yaml}.
 * With {@code -Dopenapi.write=true} it writes the file instead of comparing.
 */
class OpenApiSpecTest extends AdminApiTest {

    /** The repository's docs folder; Maven runs the tests in the module's directory. */
    static final Path COMMITTED = Path.of("..", "docs", "openapi.yaml");

    static final String REGENERATE =
            "mvn -pl admin-api -am test -Dtest=OpenApiSpecTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true";

    @Test
    void committedDescriptionMatchesTheCode() throws IOException {
        String served = web.get()
                .uri("/v3/api-docs.yaml")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(COMMITTED)) {
            fail("docs/openapi.yaml is missing. Generate it with:%n  %s", REGENERATE);
        }
        String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        if (!committed.equals(served)) {
            fail(
                    "docs/openapi.yaml differs from what the code describes (%s). Regenerate it with:%n  %s%nand commit it.",
                    firstDifference(committed, served), REGENERATE);
        }
    }

    @Test
    void theDescriptionAndItsPageNeedNoCredentials() {
        web.get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.components.securitySchemes.basicAuth.scheme")
                .isEqualTo("basic");
        web.get()
                .uri("/docs")
                .exchange()
                .expectStatus()
                .is3xxRedirection()
                .expectHeader()
                .valueEquals("Location", "/swagger-ui/index.html");
        web.get()
                .uri("/swagger-ui/index.html")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML);
        web.get()
                .uri("/v3/api-docs/swagger-config")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.url")
                .isEqualTo("/v3/api-docs");
        // As link checkers and curl -I ask.
        web.head().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
        web.head().uri("/v3/api-docs.yaml").exchange().expectStatus().isOk();
    }

    @Test
    void nothingElseBecamePublic() {
        web.get().uri("/v1/apis").exchange().expectStatus().isUnauthorized();
        web.head().uri("/v3/other").exchange().expectStatus().isUnauthorized();
        web.post().uri("/v3/api-docs").exchange().expectStatus().isUnauthorized();
        web.get().uri("/v3/other").exchange().expectStatus().isUnauthorized();
    }

    private static String firstDifference(String committed, String served) {
        List<String> a = committed.lines().toList();
        List<String> b = served.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String left = i < a.size() ? a.get(i) : "<end of file>";
            String right = i < b.size() ? b.get(i) : "<end of file>";
            if (!left.equals(right)) {
                return "first at line " + (i + 1) + ": committed '" + left.strip() + "', code '" + right.strip() + "'";
            }
        }
        return "line endings or a final newline";
    }
}
