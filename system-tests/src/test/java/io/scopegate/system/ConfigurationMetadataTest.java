package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every scopegate.* property the applications ship with has configuration metadata (name, type,
 * description), so IDEs complete and explain it and operators can look it up.
 */
class ConfigurationMetadataTest {

    @Test
    void everyScopegatePropertyInTheShippedSettingsHasMetadata() throws IOException {
        Set<String> documented = new HashSet<>();
        for (String file : List.of(
                "META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json")) {
            for (URL url : Collections.list(getClass().getClassLoader().getResources(file))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property :
                            JsonMapper.builder().build().readTree(in).path("properties")) {
                        documented.add(property.path("name").asString());
                    }
                }
            }
        }
        Set<String> shipped = new HashSet<>();
        for (String settings : List.of("gateway.yaml", "admin-api.yaml")) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(settings)) {
                assertThat(in).as(settings).isNotNull();
                flatten("", new Yaml().load(in), shipped);
            }
        }
        shipped.removeIf(key -> !key.startsWith("scopegate."));
        // Read from the environment in code rather than set in the shipped settings.
        shipped.addAll(List.of(
                "scopegate.bootstrap.admin.password",
                "scopegate.store.embedded.data-dir",
                "scopegate.tracing.enabled"));

        assertThat(shipped).isNotEmpty();
        assertThat(documented).containsAll(shipped);
    }

    private static void flatten(String prefix, Object node, Set<String> keys) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value, keys));
        } else {
            keys.add(prefix);
        }
    }
}
