package io.scopegate.admin.token;

import io.swagger.v3.core.util.AnnotationsUtils;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * What springdoc cannot see of the token JSON. The PATCH body, which the controller reads as a JSON
 * tree (to tell an absent field from a null one): the create body's fields that PATCH edits, none
 * required, {@code null} allowed where it clears an optional field. And a token's {@code rateLimit}
 * and {@code quota}, null when it has none, which OpenAPI 3.0 cannot say beside a $ref (and an annotation would
 * make the RateLimit and Quota schemas themselves nullable).
 */
@Component
class TokenSchemas implements OpenApiCustomizer {

    static final String PATCH_REF = "#/components/schemas/TokenPatch";

    @Override
    public void customise(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        Schema<?> create = schemas.get("TokenFields");
        Schema<Object> patch = new ObjectSchema()
                .description("Only the fields present change; apiVersion changes only through upgrade-version");
        create.getProperties().forEach((name, field) -> {
            if (TokenPatch.EDITABLE.contains(name)) {
                patch.addProperty(name, TokenPatch.NOT_NULLABLE.contains(name) ? field : nullable(field, schemas));
            }
        });
        openApi.getComponents().addSchemas("TokenPatch", patch);
        Schema<?> view = schemas.get("TokenView");
        view.getProperties().computeIfPresent("rateLimit", (name, field) -> nullable(field, schemas));
        view.getProperties().computeIfPresent("quota", (name, field) -> nullable(field, schemas));
        // swagger-core copies the list's nullable onto its items; the addresses themselves are never null.
        view.getProperties().get("allowedIps").getItems().setNullable(null);
    }

    /**
     * OpenAPI 3.0 ignores siblings of a $ref, so a nullable reference becomes a nullable copy of what it
     * refers to (rather than allOf, which schema validators do not let match null).
     */
    private static Schema<?> nullable(Schema<?> field, Map<String, Schema> schemas) {
        Schema<?> target = field.get$ref() == null
                ? field
                : schemas.get(field.get$ref().substring(field.get$ref().lastIndexOf('/') + 1));
        Schema<?> copy = AnnotationsUtils.clone(target, false);
        copy.setNullable(true);
        return copy;
    }
}
