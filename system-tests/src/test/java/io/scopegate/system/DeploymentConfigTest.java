package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Compose file and the Kubernetes manifests parse, and the ports, environment variables and
 * endpoints they use are the ones the applications are configured with. No cluster or Docker needed.
 */
class DeploymentConfigTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    /** Variables that are not Spring properties of ours but are meant for the JVM or the image. */
    private static final Set<String> NOT_PROPERTIES = Set.of("JAVA_TOOL_OPTIONS");

    private final Map<String, String> gateway = flatten(load("/gateway.yaml"));
    private final Map<String, String> admin = flatten(load("/admin-api.yaml"));

    @Test
    void kubernetesManifestsParseAndMatchTheApplications() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    assertThat(document).as(file + " parses to a mapping").isInstanceOf(Map.class);
                    documents.add(cast(document));
                }
            }
        }
        assertThat(documents)
                .extracting(d -> d.get("kind"))
                .contains(
                        "Deployment",
                        "Service",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget",
                        "Secret",
                        "Namespace");
        for (Map<String, Object> deployment : documents.stream()
                .filter(d -> "Deployment".equals(d.get("kind")))
                .toList()) {
            String name = (String) cast(deployment.get("metadata")).get("name");
            Map<String, String> app = "gateway".equals(name) ? gateway : admin;
            Map<String, Object> pod = cast(cast(deployment.get("spec")).get("template"));
            Map<String, Object> container =
                    cast(((List<?>) cast(pod.get("spec")).get("containers")).get(0));

            Set<Object> ports = new HashSet<>();
            ((List<?>) container.get("ports"))
                    .forEach(port -> ports.add(cast(port).get("containerPort")));
            assertThat(ports)
                    .as(name + " ports")
                    .containsExactlyInAnyOrder(
                            Integer.parseInt(app.get("server.port")),
                            Integer.parseInt(app.get("management.server.port")));
            assertThat(cast(cast(pod.get("metadata")).get("annotations")))
                    .containsEntry("prometheus.io/port", app.get("management.server.port"))
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
            assertThat(app.get("management.endpoints.web.exposure.include")).contains("prometheus", "health");
            assertThat(app.get("management.endpoint.health.probes.enabled"))
                    .as(name + " serves the probe paths")
                    .isEqualTo("true");
            assertThat(cast(cast(container.get("readinessProbe")).get("httpGet")))
                    .containsEntry("path", "/actuator/health/readiness");
            assertThat(cast(cast(container.get("livenessProbe")).get("httpGet")))
                    .containsEntry("path", "/actuator/health/liveness");
            for (Object variable : (List<?>) container.get("env")) {
                assertKnownVariable(name, (String) cast(variable).get("name"), app);
            }
        }
    }

    @Test
    void composeFileParsesAndMatchesTheApplications() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose/compose.yaml")));
        Map<String, Object> services = cast(compose.get("services"));
        assertThat(services)
                .containsKeys("postgres", "admin-api", "gateway-1", "gateway-2", "entry", "prometheus", "grafana");
        assertThat(cast(services.get("admin-api")).get("ports"))
                .isEqualTo(List.of(admin.get("server.port") + ":" + admin.get("server.port")));
        assertThat(cast(services.get("entry")).get("ports"))
                .isEqualTo(List.of(gateway.get("server.port") + ":" + gateway.get("server.port")));
        for (String service : List.of("admin-api", "gateway-1", "gateway-2")) {
            Map<String, String> app = service.startsWith("gateway") ? gateway : admin;
            cast(cast(services.get(service)).get("environment"))
                    .keySet()
                    .forEach(variable -> assertKnownVariable(service, variable, app));
            String health = cast(cast(services.get(service)).get("healthcheck"))
                    .get("test")
                    .toString();
            assertThat(health).contains("127.0.0.1/" + app.get("management.server.port"), "/actuator/health/readiness");
        }
        String nginx = Files.readString(DEPLOY.resolve("compose/nginx.conf"));
        assertThat(nginx)
                .contains("gateway-1:" + gateway.get("server.port"), "gateway-2:" + gateway.get("server.port"));
        String prometheus = Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"));
        assertThat(prometheus)
                .contains(
                        "gateway-1:" + gateway.get("management.server.port"),
                        "admin-api:" + admin.get("management.server.port"),
                        "metrics_path: /actuator/prometheus");
    }

    @Test
    void dockerfilesPackageTheLeanRunnableJarsAndExposeTheApplicationsPorts() throws IOException {
        for (String name : List.of("admin-api", "gateway")) {
            Map<String, String> app = "gateway".equals(name) ? gateway : admin;
            String dockerfile = Files.readString(DEPLOY.resolve("docker/" + name + ".Dockerfile"));
            // The -exec jar, never admin-api's -local one (which carries the embedded PostgreSQL).
            assertThat(dockerfile)
                    .as(name + " image")
                    .contains("COPY " + name + "/target/" + name + "-*-exec.jar app.jar")
                    .contains("EXPOSE " + app.get("server.port") + " " + app.get("management.server.port"));
        }
    }

    /** An environment variable must bind (relaxed binding) to a property the application defines. */
    private static void assertKnownVariable(String where, String variable, Map<String, String> app) {
        if (NOT_PROPERTIES.contains(variable)) {
            return;
        }
        String wanted = canonical(variable);
        boolean known = app.keySet().stream().anyMatch(key -> canonical(key).equals(wanted))
                || Set.of(
                                "springr2dbcurl",
                                "springr2dbcusername",
                                "springr2dbcpassword",
                                "scopegatebootstrapadminpassword",
                                "scopegatecredentialshmackey",
                                "scopegatecredentialsencryptionkey",
                                // Spring Boot's mail properties and the notification emails' settings.
                                "springmailhost",
                                "springmailport",
                                "scopegatenotificationsemailfrom",
                                "scopegatenotificationsconsoleurl")
                        .contains(wanted);
        assertThat(known)
                .as(where + ": " + variable + " names no property of the application")
                .isTrue();
    }

    private static String canonical(String name) {
        return name.toLowerCase().replace("_", "").replace("-", "").replace(".", "");
    }

    private static Map<String, Object> load(String resource) {
        try (InputStream in = DeploymentConfigTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> flatten(Map<String, Object> tree) {
        Map<String, String> flat = new java.util.HashMap<>();
        tree.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                flatten(cast(nested)).forEach((k, v) -> flat.put(key + "." + k, v));
            } else {
                flat.put(key, String.valueOf(value));
            }
        });
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }
}
