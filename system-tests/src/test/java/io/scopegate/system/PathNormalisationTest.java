package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token scoped to one API must never reach another through path tricks. Requests are sent with the
 * JDK client, which sends the path exactly as written (no client-side normalisation).
 */
@Tag("security")
class PathNormalisationTest extends SystemTest {

    private static String account;
    private static String allowedApi;
    private static String otherApi;
    private static Map<String, Object> token;

    private void setUp() {
        if (account == null) {
            account = newAccount();
            allowedApi = newApi("GET");
            otherApi = newApi("GET");
            token = createToken(account, allowedApi, "GET");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/{allowed}/../{other}/secret",
                "/{allowed}/./../{other}/secret",
                "/{allowed}/%2e%2e/{other}/secret",
                "/{allowed}/%2E%2E/{other}/secret",
                "/{allowed}/..%2f{other}/secret",
                "/{allowed}%2f..%2f{other}/secret",
                "/{allowed}/%252e%252e/{other}/secret",
                "//{other}/secret",
                "/{allowed}//../{other}/secret",
                "/{allowed}/;/../{other}/secret",
                "/{allowed}/..;/{other}/secret",
                "/{allowed}/%5c..%5c{other}/secret",
                "/{allowed}/%00/../{other}/secret"
            })
    void pathTricksNeverReachAnotherApi(String template) throws Exception {
        setUp();
        String path = template.replace("{allowed}", allowedApi).replace("{other}", otherApi);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayA.port() + path))
                .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                .timeout(Duration.ofSeconds(10))
                .build();

        int status = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();

        assertThat(status).as(path).isIn(400, 403, 404);
        upstream.verify(0, anyRequestedFor(urlPathMatching("/" + otherApi + "/.*")));
        upstream.verify(0, anyRequestedFor(urlPathMatching(".*secret.*")));
    }
}
