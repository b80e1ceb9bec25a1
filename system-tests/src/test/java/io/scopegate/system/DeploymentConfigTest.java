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
import org.junit.jupiter.api.Tag;
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

    /** Scopegate's own Deployments; the others (Redis) are checked on their own. */
    private static final Set<String> SERVICES = Set.of("gateway", "admin-api");

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
                        "Namespace",
                        "Ingress",
                        "NetworkPolicy");
        for (Map<String, Object> deployment : scopegateDeployments(documents)) {
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
                .containsKeys(
                        "postgres", "admin-api", "gateway-1", "gateway-2", "redis", "entry", "prometheus", "grafana");
        // Both services are reached through nginx, over TLS only (issue 16).
        assertThat(cast(services.get("admin-api")).get("ports")).isNull();
        assertThat(cast(services.get("entry")).get("ports")).isEqualTo(List.of("443:443", "80:80"));
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
                .contains(
                        "gateway-1:" + gateway.get("server.port"),
                        "gateway-2:" + gateway.get("server.port"),
                        "admin-api:" + admin.get("server.port"));
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

    /**
     * Issue 16: nginx terminates TLS 1.2+ with HTTP/2 on 443 with the certificate mounted from
     * {@code deploy/compose/tls}, sends HSTS for the admin API's host, and its port 80 never passes a
     * request on: with credentials a 403 problem, without a redirect to HTTPS.
     */
    @Test
    @Tag("security")
    void composeEntryTerminatesTlsAndNeverProxiesPlainHttp() throws IOException {
        Map<String, Object> entry = cast(cast(compose().get("services")).get("entry"));
        assertThat(strings(entry.get("volumes"))).contains("./tls:/etc/nginx/tls:ro");
        String nginx = Files.readString(DEPLOY.resolve("compose/nginx.conf"));
        assertThat(nginx)
                .contains("ssl_protocols TLSv1.2 TLSv1.3;")
                .contains("ssl_certificate /etc/nginx/tls/server.pem;")
                .contains("ssl_certificate_key /etc/nginx/tls/server-key.pem;")
                .doesNotContain("TLSv1.1", "TLSv1;", "SSLv3");

        List<String> servers = nginxServers(nginx);
        List<String> plain =
                servers.stream().filter(server -> server.contains("listen 80 ")).toList();
        assertThat(plain).as("one server on port 80").hasSize(1);
        assertThat(plain.get(0))
                .doesNotContain("proxy_pass", "fastcgi_pass", "grpc_pass", "uwsgi_pass")
                .contains("if ($http_authorization)", "return 403", "urn:scopegate:problem:tls-required")
                .contains("default_type application/problem+json;")
                .contains("return 301 https://$host$request_uri;");

        List<String> tls = servers.stream()
                .filter(server -> server.contains("listen 443 ssl"))
                .toList();
        assertThat(tls).as("the gateways' and the admin API's TLS servers").hasSize(2);
        for (String server : tls) {
            assertThat(server)
                    .contains("http2 on;")
                    .contains("proxy_set_header X-Forwarded-Proto https;")
                    .contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
        }
        String adminServer = tls.stream()
                .filter(server -> server.contains("proxy_pass http://scopegate_admin;"))
                .findFirst()
                .orElseThrow();
        assertThat(adminServer).contains("add_header Strict-Transport-Security \"max-age=31536000\" always;");
    }

    /** Issue 16: both gateway replicas share their limits through the Compose file's Redis, behind TLS. */
    @Test
    void composeGatewaysShareRateLimitsThroughRedisAndRequireTls() throws IOException {
        Map<String, Object> services = cast(compose().get("services"));
        Map<String, Object> redis = cast(services.get("redis"));
        assertThat((String) redis.get("image")).startsWith("redis:");
        assertThat(redis.get("ports")).as("Redis is not published").isNull();
        assertThat(cast(redis.get("healthcheck")).get("test").toString()).contains("redis-cli", "ping");
        for (String service : List.of("gateway-1", "gateway-2")) {
            Map<String, Object> environment = cast(cast(services.get(service)).get("environment"));
            assertThat(environment)
                    .containsEntry("SCOPEGATE_RATE_LIMIT_BACKEND", "redis")
                    .containsEntry("SPRING_DATA_REDIS_URL", "redis://redis:6379")
                    .containsEntry("SCOPEGATE_GATEWAY_REQUIRE_TLS", "true");
            assertThat(cast(cast(services.get(service)).get("depends_on"))).containsKey("redis");
        }
    }

    /**
     * Issue 16: ingress-nginx terminates TLS for both services with cert-manager's certificates and
     * redirects plain HTTP; each Ingress names a Service and port that exist.
     */
    @Test
    @Tag("security")
    void kubernetesIngressesTerminateTlsWithCertManager() throws IOException {
        List<Map<String, Object>> documents = kubernetesDocuments();
        List<Map<String, Object>> ingresses = ofKind(documents, "Ingress");
        assertThat(ingresses).extracting(DeploymentConfigTest::name).containsExactlyInAnyOrder("gateway", "admin-api");
        for (Map<String, Object> ingress : ingresses) {
            String name = name(ingress);
            Map<String, Object> annotations = cast(cast(ingress.get("metadata")).get("annotations"));
            assertThat(annotations)
                    .as(name)
                    .containsEntry("nginx.ingress.kubernetes.io/force-ssl-redirect", "true")
                    .containsKey("cert-manager.io/cluster-issuer");
            Map<String, Object> spec = cast(ingress.get("spec"));
            assertThat(spec).containsEntry("ingressClassName", "nginx");
            Map<String, Object> tls = cast(((List<?>) spec.get("tls")).get(0));
            Map<String, Object> rule = cast(((List<?>) spec.get("rules")).get(0));
            assertThat(strings(tls.get("hosts")))
                    .as(name + ": the certificate covers the host")
                    .containsExactly((String) rule.get("host"));
            assertThat((String) tls.get("secretName")).isNotBlank();
            Map<String, Object> backend =
                    cast(cast(cast(((List<?>) cast(rule.get("http")).get("paths")).get(0))
                                    .get("backend"))
                            .get("service"));
            assertThat(backend.get("name")).isEqualTo(name);
            Map<String, Object> service = ofKind(documents, "Service").stream()
                    .filter(d -> name.equals(name(d)))
                    .findFirst()
                    .orElseThrow();
            assertThat(((List<?>) cast(service.get("spec")).get("ports"))
                            .stream().map(port -> cast(port).get("port")))
                    .as(name + ": the Ingress's backend port is the Service's")
                    .contains(cast(backend.get("port")).get("number"));
        }
    }

    /**
     * Issue 16: every gateway replica counts against one Redis (a single replica with bounded memory),
     * which only gateway pods may reach.
     */
    @Test
    @Tag("security")
    void kubernetesGatewaysShareRateLimitsThroughRedisOnlyTheyReach() throws IOException {
        List<Map<String, Object>> documents = kubernetesDocuments();
        Map<String, Object> redis = ofKind(documents, "Deployment").stream()
                .filter(d -> "redis".equals(name(d)))
                .findFirst()
                .orElseThrow();
        assertThat(cast(redis.get("spec"))).containsEntry("replicas", 1);
        Map<String, Object> redisContainer = firstContainer(redis);
        assertThat((String) redisContainer.get("image")).startsWith("redis:");
        assertThat(strings(redisContainer.get("args")))
                .containsSequence("--save", "")
                .contains("--maxmemory");
        assertThat(cast(cast(redisContainer.get("resources")).get("limits"))).containsKeys("cpu", "memory");
        Map<String, Object> redisService = ofKind(documents, "Service").stream()
                .filter(d -> "redis".equals(name(d)))
                .findFirst()
                .orElseThrow();
        assertThat(cast(((List<?>) cast(redisService.get("spec")).get("ports")).get(0)))
                .containsEntry("port", 6379);

        Map<String, Object> gatewayDeployment = ofKind(documents, "Deployment").stream()
                .filter(d -> "gateway".equals(name(d)))
                .findFirst()
                .orElseThrow();
        Map<String, Object> environment = new java.util.HashMap<>();
        for (Object variable : (List<?>) firstContainer(gatewayDeployment).get("env")) {
            environment.put((String) cast(variable).get("name"), cast(variable).get("value"));
        }
        assertThat(environment)
                .containsEntry("SCOPEGATE_RATE_LIMIT_BACKEND", "redis")
                .containsEntry("SPRING_DATA_REDIS_URL", "redis://redis.scopegate.svc:6379");

        Map<String, Object> redisLabels =
                cast(cast(cast(cast(redis.get("spec")).get("template")).get("metadata"))
                        .get("labels"));
        List<Map<String, Object>> policies = ofKind(documents, "NetworkPolicy").stream()
                .map(d -> cast(d.get("spec")))
                .filter(spec -> redisLabels
                        .entrySet()
                        .containsAll(cast(cast(spec.get("podSelector")).get("matchLabels"))
                                .entrySet()))
                .toList();
        assertThat(policies).as("Redis is selected by one NetworkPolicy").hasSize(1);
        assertThat(strings(policies.get(0).get("policyTypes"))).contains("Ingress");
        for (Object item : (List<?>) policies.get(0).get("ingress")) {
            Map<String, Object> rule = cast(item);
            assertThat(((List<?>) rule.get("ports"))
                            .stream().map(port -> cast(port).get("port")))
                    .containsExactly(6379);
            for (Object peer : (List<?>) rule.get("from")) {
                assertThat(cast(peer)).as("only pods of this namespace").containsOnlyKeys("podSelector");
                assertThat(cast(cast(cast(peer).get("podSelector")).get("matchLabels")))
                        .as("only the gateway's pods")
                        .isEqualTo(Map.of("app.kubernetes.io/name", "gateway"));
            }
        }
    }

    /**
     * Issue 16: the tls-end-to-end component mounts cert-manager's Secret into both services, names its
     * files with SCOPEGATE_TLS_*, keeps the probes on the plain management port and makes the Ingresses
     * speak (and verify) HTTPS to the pods.
     */
    @Test
    @Tag("security")
    void tlsEndToEndComponentGivesBothServicesTheCertificate() throws IOException {
        Path component = DEPLOY.resolve("k8s/tls-end-to-end");
        Map<String, Object> kustomization = new Yaml().load(Files.readString(component.resolve("kustomization.yaml")));
        assertThat(kustomization).containsEntry("kind", "Component");
        assertThat(Files.readString(DEPLOY.resolve("k8s/kustomization.yaml")))
                .as("the base says how to turn it on")
                .contains("#   - tls-end-to-end");

        Map<String, Object> certificate = new Yaml().load(Files.readString(component.resolve("certificate.yaml")));
        assertThat(certificate).containsEntry("kind", "Certificate");
        Map<String, Object> certificateSpec = cast(certificate.get("spec"));
        String secret = (String) certificateSpec.get("secretName");
        assertThat(strings(kustomization.get("resources"))).contains("certificate.yaml");
        assertThat(cast(certificateSpec.get("privateKey"))).containsEntry("encoding", "PKCS8");
        List<String> dnsNames = strings(certificateSpec.get("dnsNames"));

        List<Map<String, Object>> patches = new ArrayList<>();
        for (Object patch : (List<?>) kustomization.get("patches")) {
            Object path = cast(patch).get("path");
            if (path != null) {
                for (Object document : new Yaml().loadAll(Files.readString(component.resolve((String) path)))) {
                    patches.add(cast(document));
                }
            }
        }
        for (String service : SERVICES) {
            Map<String, String> app = "gateway".equals(service) ? gateway : admin;
            Map<String, Object> deployment = ofKind(patches, "Deployment").stream()
                    .filter(d -> service.equals(name(d)))
                    .findFirst()
                    .orElseThrow();
            Map<String, Object> podSpec =
                    cast(cast(cast(deployment.get("spec")).get("template")).get("spec"));
            Map<String, Object> volume = cast(((List<?>) podSpec.get("volumes")).get(0));
            assertThat(cast(volume.get("secret"))).containsEntry("secretName", secret);
            Map<String, Object> container = cast(((List<?>) podSpec.get("containers")).get(0));
            Map<String, Object> mount = cast(((List<?>) container.get("volumeMounts")).get(0));
            assertThat(mount).containsEntry("name", volume.get("name")).containsEntry("readOnly", true);
            Map<String, Object> environment = new java.util.HashMap<>();
            for (Object variable : (List<?>) container.get("env")) {
                assertKnownVariable(service, (String) cast(variable).get("name"), app);
                environment.put(
                        (String) cast(variable).get("name"), cast(variable).get("value"));
            }
            assertThat(environment)
                    .containsEntry("SCOPEGATE_TLS_CERTIFICATE", mount.get("mountPath") + "/tls.crt")
                    .containsEntry("SCOPEGATE_TLS_PRIVATE_KEY", mount.get("mountPath") + "/tls.key");
            assertThat(container)
                    .as(service + ": the probes stay on the plain management port")
                    .doesNotContainKeys("readinessProbe", "livenessProbe");
            assertThat(dnsNames).contains(service + ".scopegate.svc");
        }
        String text = Files.readString(component.resolve("kustomization.yaml"));
        for (String ingress : List.of("gateway", "admin-api")) {
            String patch = text.substring(text.indexOf("name: " + ingress + "}"));
            assertThat(patch)
                    .contains("backend-protocol\n        value: HTTPS")
                    .contains("proxy-ssl-verify\n        value: \"on\"")
                    .contains("proxy-ssl-secret\n        value: scopegate/" + secret)
                    .contains("proxy-ssl-name\n        value: " + ingress + ".scopegate.svc");
        }
    }

    /**
     * Security review, issue 14, finding 8: {@code 10.0.0.0/8} (Kubernetes) and {@code 172.16.0.0/12}
     * (Compose) were trusted as proxies, so any client inside them chose its own apparent address.
     */
    @Test
    @Tag("security")
    void trustedProxiesInTheExamplesAreNarrow() throws IOException {
        assertThat(isNarrow("10.0.0.0/8"))
                .as("the rule refuses what was shipped before")
                .isFalse();
        assertThat(isNarrow("172.16.0.0/12")).isFalse();
        assertThat(isNarrow("fd00::/8")).isFalse();
        assertThat(isNarrow("10.244.3.0/24")).isTrue();
        assertThat(isNarrow("192.0.2.7")).isTrue();

        List<String> shipped = new ArrayList<>();
        Map<String, Object> gatewayDeployment = kubernetesDocuments().stream()
                .filter(d -> "Deployment".equals(d.get("kind"))
                        && "gateway".equals(cast(d.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> container =
                cast(((List<?>) cast(cast(cast(gatewayDeployment.get("spec")).get("template"))
                                        .get("spec"))
                                .get("containers"))
                        .get(0));
        for (Object variable : (List<?>) container.get("env")) {
            if ("SCOPEGATE_GATEWAY_TRUSTED_PROXIES".equals(cast(variable).get("name"))) {
                shipped.add("kubernetes: " + cast(variable).get("value"));
            }
        }
        // The admin API is behind the same proxies since issue 16 (sign-in throttle, audit log).
        Map<String, Object> adminDeployment = kubernetesDocuments().stream()
                .filter(d -> "Deployment".equals(d.get("kind")) && "admin-api".equals(name(d)))
                .findFirst()
                .orElseThrow();
        for (Object variable : (List<?>) firstContainer(adminDeployment).get("env")) {
            if ("SCOPEGATE_ADMIN_TRUSTED_PROXIES".equals(cast(variable).get("name"))) {
                shipped.add("kubernetes admin-api: " + cast(variable).get("value"));
            }
        }
        Map<String, Object> services = cast(compose().get("services"));
        for (String service : List.of("gateway-1", "gateway-2")) {
            shipped.add(service + ": "
                    + cast(cast(services.get(service)).get("environment")).get("SCOPEGATE_GATEWAY_TRUSTED_PROXIES"));
        }
        shipped.add("admin-api: "
                + cast(cast(services.get("admin-api")).get("environment")).get("SCOPEGATE_ADMIN_TRUSTED_PROXIES"));
        // The application's own default: a YAML list, flattened to its text.
        shipped.add("gateway.yaml: "
                + gateway.get("scopegate.gateway.trusted-proxies")
                        .replace("[", "")
                        .replace("]", "")
                        .replace(" ", ""));

        assertThat(shipped).hasSize(6);
        for (String setting : shipped) {
            String value = setting.substring(setting.indexOf(": ") + 2);
            for (String range : value.split(",")) {
                if (!range.isBlank()) {
                    assertThat(isNarrow(range.trim()))
                            .as(setting + ": " + range + " is wider than one proxy's subnet")
                            .isTrue();
                }
            }
        }
    }

    /** In Compose, nginx has a fixed address on a network of the project's own, and only it is trusted. */
    @Test
    @Tag("security")
    void composeTrustsExactlyItsEntryProxy() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> services = cast(compose.get("services"));
        String subnet =
                (String) cast(((List<?>) cast(cast(cast(compose.get("networks")).get("default"))
                                                .get("ipam"))
                                        .get("config"))
                                .get(0))
                        .get("subnet");
        String entry =
                (String) cast(cast(cast(services.get("entry")).get("networks")).get("default"))
                        .get("ipv4_address");
        assertThat(inSubnet(entry, subnet)).as(entry + " in " + subnet).isTrue();
        for (String service : List.of("gateway-1", "gateway-2")) {
            assertThat(cast(cast(services.get(service)).get("environment")).get("SCOPEGATE_GATEWAY_TRUSTED_PROXIES"))
                    .isEqualTo(entry + "/32");
        }
        assertThat(cast(cast(services.get("admin-api")).get("environment")).get("SCOPEGATE_ADMIN_TRUSTED_PROXIES"))
                .as("the admin API, behind the same nginx")
                .isEqualTo(entry + "/32");
    }

    /**
     * Finding 7: the management ports (their metrics name every account and token) are reachable by
     * Prometheus only: loopback in run.sh, not published in Compose, a NetworkPolicy in Kubernetes;
     * health details are not shown to anonymous callers.
     */
    @Test
    @Tag("security")
    void managementPortsAreForPrometheusOnly() throws IOException {
        assertThat(gateway.get("management.endpoint.health.show-details")).isEqualTo("never");
        assertThat(admin.get("management.endpoint.health.show-details")).isEqualTo("when-authorized");

        String runSh = Files.readString(DEPLOY.resolve("local/run.sh"));
        for (String jar : List.of("$admin_jar", "$gateway_jar")) {
            String command = command(runSh, "java -jar \"" + jar + "\"");
            assertThat(command).as("run.sh starts " + jar).contains("--management.server.address=127.0.0.1");
        }

        Map<String, Object> services = cast(compose().get("services"));
        Set<String> management = Set.of(admin.get("management.server.port"), gateway.get("management.server.port"));
        services.forEach((name, service) -> {
            Object ports = cast(service).get("ports");
            if (ports != null) {
                for (Object port : (List<?>) ports) {
                    assertThat(management)
                            .as(name + " publishes " + port)
                            .doesNotContain(
                                    port.toString().substring(port.toString().lastIndexOf(':') + 1));
                }
            }
        });

        Map<String, Object> kustomization = new Yaml().load(Files.readString(DEPLOY.resolve("k8s/kustomization.yaml")));
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            List<String> manifests = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml") && !f.contains("example"))
                    .toList();
            assertThat(strings(kustomization.get("resources"))).containsAll(manifests);
        }
        List<Map<String, Object>> documents = kubernetesDocuments();
        for (Map<String, Object> deployment : scopegateDeployments(documents)) {
            String name = (String) cast(deployment.get("metadata")).get("name");
            Map<String, String> app = "gateway".equals(name) ? gateway : admin;
            int managementPort = Integer.parseInt(app.get("management.server.port"));
            Map<String, Object> podLabels =
                    cast(cast(cast(cast(deployment.get("spec")).get("template")).get("metadata"))
                            .get("labels"));
            List<Map<String, Object>> policies = documents.stream()
                    .filter(d -> "NetworkPolicy".equals(d.get("kind")))
                    .map(d -> cast(d.get("spec")))
                    .filter(spec -> podLabels
                            .entrySet()
                            .containsAll(cast(cast(spec.get("podSelector")).get("matchLabels"))
                                    .entrySet()))
                    .toList();
            assertThat(policies).as(name + " is selected by a NetworkPolicy").hasSize(1);
            Map<String, Object> policy = policies.get(0);
            assertThat(strings(policy.get("policyTypes"))).contains("Ingress");
            boolean prometheusAllowed = false;
            for (Object item : (List<?>) policy.get("ingress")) {
                Map<String, Object> rule = cast(item);
                assertThat(rule.get("ports"))
                        .as(name + ": a rule without ports opens every port")
                        .isNotNull();
                boolean coversManagement = ((List<?>) rule.get("ports"))
                        .stream()
                                .anyMatch(port -> Integer.valueOf(managementPort)
                                        .equals(cast(port).get("port")));
                if (coversManagement) {
                    List<?> from = (List<?>) rule.get("from");
                    assertThat(from)
                            .as(name + ": the management port is open to anyone")
                            .isNotEmpty();
                    for (Object peer : from) {
                        assertThat(cast(peer))
                                .as(name + ": management peers name Prometheus' pods")
                                .containsKey("podSelector")
                                .doesNotContainKey("ipBlock");
                    }
                    prometheusAllowed = true;
                }
            }
            assertThat(prometheusAllowed).as(name + ": Prometheus may scrape").isTrue();
        }
    }

    /** The text of each {@code server { … }} block of an nginx configuration, braces matched. */
    private static List<String> nginxServers(String nginx) {
        List<String> servers = new ArrayList<>();
        java.util.regex.Matcher start =
                java.util.regex.Pattern.compile("(?m)^\\s*server\\s*\\{").matcher(nginx);
        while (start.find()) {
            int depth = 0;
            int at = start.end() - 1;
            do {
                char c = nginx.charAt(at++);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            } while (depth > 0);
            servers.add(nginx.substring(start.start(), at));
        }
        return servers;
    }

    private static List<Map<String, Object>> scopegateDeployments(List<Map<String, Object>> documents) {
        return ofKind(documents, "Deployment").stream()
                .filter(d -> SERVICES.contains(name(d)))
                .toList();
    }

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static String name(Map<String, Object> document) {
        return (String) cast(document.get("metadata")).get("name");
    }

    private static Map<String, Object> firstContainer(Map<String, Object> deployment) {
        return cast(((List<?>)
                        cast(cast(cast(deployment.get("spec")).get("template")).get("spec"))
                                .get("containers"))
                .get(0));
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    /** Whether an IPv4 address lies in an IPv4 CIDR. */
    private static boolean inSubnet(String address, String cidr) throws IOException {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
    }

    private static long ipv4(String literal) throws IOException {
        byte[] bytes = java.net.InetAddress.getByName(literal).getAddress();
        assertThat(bytes).as(literal + " is an IPv4 literal").hasSize(4);
        return ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16) | ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL);
    }

    /** IPv4 ranges of /24 or narrower, IPv6 of /64 or narrower; a bare address is one host. */
    private static boolean isNarrow(String range) {
        int slash = range.indexOf('/');
        if (slash < 0) {
            return true;
        }
        int prefix = Integer.parseInt(range.substring(slash + 1));
        return range.contains(":") ? prefix >= 64 : prefix >= 24;
    }

    /** A shell command of run.sh with its continuation lines, from the line that starts it. */
    private static String command(String script, String start) {
        int at = script.indexOf(start);
        assertThat(at).as(start + " in run.sh").isNotNegative();
        StringBuilder command = new StringBuilder();
        for (String line : script.substring(at).split("\n")) {
            command.append(line).append('\n');
            if (!line.stripTrailing().endsWith("\\")) {
                break;
            }
        }
        return command.toString();
    }

    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(DEPLOY.resolve("compose/compose.yaml")));
    }

    private static List<Map<String, Object>> kubernetesDocuments() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    documents.add(cast(document));
                }
            }
        }
        return documents;
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
                                "scopegatenotificationsconsoleurl",
                                // Issue 16, the names agreed for TLS and the shared rate limits (some
                                // bound by @ConfigurationProperties only), and Spring Boot's Redis ones.
                                "scopegatetlscertificate",
                                "scopegatetlsprivatekey",
                                "scopegatetlsclientca",
                                "scopegategatewayrequiretls",
                                "scopegateratelimitbackend",
                                "springdataredisurl",
                                "springdataredispassword",
                                "scopegateadmintrustedproxies")
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
