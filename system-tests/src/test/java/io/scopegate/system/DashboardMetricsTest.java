package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shipped Grafana dashboards are valid JSON, and every scopegate_* metric that a dashboard panel
 * or an alert rule queries is exported by the running services (scraped here after some traffic).
 */
class DashboardMetricsTest extends SystemTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern METRIC = Pattern.compile("\\bscopegate_[a-z_]+");

    @Test
    void everyMetricTheDashboardsAndAlertsQueryIsExported() throws IOException {
        Set<String> queried = new TreeSet<>();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
            dashboards = files.filter(path -> path.toString().endsWith(".json")).toList();
        }
        assertThat(dashboards).isNotEmpty();
        JsonMapper json = JsonMapper.builder().build();
        for (Path dashboard : dashboards) {
            JsonNode root = json.readTree(dashboard.toFile());
            assertThat(root.path("panels").size()).as(dashboard + " has panels").isPositive();
            List<String> expressions = new ArrayList<>();
            root.findValues("expr").forEach(node -> expressions.add(node.asString()));
            root.findValues("query").forEach(node -> expressions.add(node.isString() ? node.asString() : ""));
            expressions.forEach(expression -> queried.addAll(metricsIn(expression)));
        }
        Map<String, Object> alerts = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        metricsIn(alerts.toString()).forEach(queried::add);
        assertThat(queried)
                .contains(
                        "scopegate_requests_total",
                        "scopegate_token_findings",
                        "scopegate_invalidation_lag_seconds_max");

        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        assertThat(status(gatewayA, "GET", "/" + api + "/x", basic((String) token.get("sid"), (String)
                        token.get("authToken"))))
                .isEqualTo(200);
        assertThat(status(gatewayA, "POST", "/" + api + "/x", basic((String) token.get("sid"), (String)
                        token.get("authToken"))))
                .isEqualTo(403);
        int adminManagement = Integer.parseInt(system.admin.getEnvironment().getProperty("local.management.port"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String exported = scrape(gatewayA.management())
                    + scrape(WebTestClient.bindToServer()
                            .baseUrl("http://localhost:" + adminManagement)
                            .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(RunningGateway.SCRAPE_LIMIT))
                            .build());
            Set<String> missing = new TreeSet<>(queried);
            missing.removeIf(name -> Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE)
                    .matcher(exported)
                    .find());
            assertThat(missing)
                    .as("queried by a dashboard or alert but not exported")
                    .isEmpty();
        });
    }

    private static Set<String> metricsIn(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expression);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static String scrape(WebTestClient management) {
        return management
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
