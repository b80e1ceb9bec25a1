package io.scopegate.admin.openapi;

import io.scopegate.admin.propagation.Propagation;
import io.scopegate.admin.security.Actor;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import java.util.Objects;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The OpenAPI description springdoc builds from the controllers ({@code /v3/api-docs}, rendered at
 * {@code /docs}): what it cannot see there (the security scheme, the problem responses) is added here.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BASIC_AUTH = "basicAuth";

    static {
        // Built from the authenticated admin, never sent by the client: no parameter to document.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Actor.class);
    }

    @Bean
    OpenAPI adminApiDescription() {
        return new OpenAPI()
                .info(new Info().title("Scopegate admin API").version("v1").description("""
                                Accounts, admin users, the API catalog, scoped tokens and legacy tokens.
                                Every request authenticates with an admin user's HTTP Basic credentials; \
                                every error is application/problem+json."""))
                // Relative, so the committed description does not depend on the host or port it was generated on.
                .servers(List.of(new Server().url("/")))
                .components(new Components()
                        .addSecuritySchemes(
                                BASIC_AUTH,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")
                                        .description("An admin user's username and password")))
                .addSecurityItem(new SecurityRequirement().addList(BASIC_AUTH));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        return new ProblemResponses();
    }

    /** Every 201 says where the new resource is, as the controllers' {@code created(...)} answers do. */
    @Bean
    OpenApiCustomizer locationOfCreated() {
        return openApi -> openApi.getPaths().values().stream()
                .flatMap(path -> path.readOperations().stream())
                .map(operation -> operation.getResponses().get("201"))
                .filter(Objects::nonNull)
                .forEach(created -> created.addHeaderObject(
                        HttpHeaders.LOCATION,
                        new Header()
                                .description("Path of the new resource")
                                .style(Header.StyleEnum.SIMPLE)
                                .schema(new StringSchema())));
    }

    /**
     * The calls whose change the gateways apply answer once every live replica applied it (see the
     * propagation package) and say so: a token's or a legacy token's change other than a creation,
     * disable-all, and a catalog entry's.
     */
    @Bean
    OpenApiCustomizer propagationOfChanges() {
        return openApi -> openApi.getPaths().forEach((path, item) -> {
            boolean tokenChange = path.contains("/tokens/{sid}") && !path.endsWith("/duplicate")
                    || path.endsWith("/tokens/disable-all");
            boolean applied = tokenChange || path.contains("/legacy-tokens/") || path.equals("/v1/apis/{api}");
            if (!applied) {
                return;
            }
            item.readOperationsMap().forEach((method, operation) -> {
                if (method == PathItem.HttpMethod.GET) {
                    return;
                }
                operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2")) {
                        response.addHeaderObject(
                                Propagation.HEADER,
                                new Header()
                                        .description("Whether every live gateway replica applied the change before this"
                                                + " answer: `confirmed=<applied>/<live>; ms=<wait>`, with `; timeout`"
                                                + " when the bound (scopegate.propagation.max-wait, 1 s) passed first;"
                                                + " `unknown; ms=<wait>` when the store could not say")
                                        .style(Header.StyleEnum.SIMPLE)
                                        .schema(new StringSchema().example("confirmed=3/3; ms=14")));
                    }
                });
            });
        });
    }

    /**
     * swagger-core describes the values of a {@code Map<String, Object>} (audit details, a finding's
     * patch) as objects; they are any JSON value.
     */
    @Bean
    OpenApiCustomizer anyJsonValues() {
        return openApi -> openApi.getComponents().getSchemas().values().forEach(OpenApiConfiguration::anyJsonValues);
    }

    private static void anyJsonValues(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        for (Schema<?> property : schema.getProperties().values()) {
            if (property.getAdditionalProperties() instanceof Schema<?> values
                    && "object".equals(values.getType())
                    && values.getProperties() == null) {
                property.setAdditionalProperties(true);
            }
        }
    }
}
