package io.scopegate.admin.openapi;

import io.scopegate.admin.error.ProblemType;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The problem+json responses, one per status, each listing the {@code type} URIs {@link ProblemType}
 * answers with. Every operation can answer 401, 500 and 503; the others are named where they happen, with
 * {@code @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)}. Every operation reads
 * the store, so every one can answer 503.
 */
public final class ProblemResponses implements OpenApiCustomizer {

    public static final String BAD_REQUEST = "#/components/responses/BadRequest";
    public static final String FORBIDDEN = "#/components/responses/Forbidden";
    public static final String NOT_FOUND = "#/components/responses/NotFound";
    public static final String CONFLICT = "#/components/responses/Conflict";
    public static final String GONE = "#/components/responses/Gone";
    public static final String BUSY = "#/components/responses/Busy";

    private static final String UNAUTHORIZED = "#/components/responses/Unauthorized";
    private static final String UNSUPPORTED_MEDIA_TYPE = "#/components/responses/UnsupportedMediaType";
    private static final String INTERNAL = "#/components/responses/InternalError";
    private static final String STORE_UNAVAILABLE = "#/components/responses/StoreUnavailable";
    private static final String PROBLEM = "#/components/schemas/Problem";
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Spring's own problem type, for a request refused before our validation ran. */
    private static final String ABOUT_BLANK = "about:blank";

    ProblemResponses() {}

    @Override
    public void customise(OpenAPI openApi) {
        Components components = openApi.getComponents();
        components.addSchemas("Problem", problem());
        components.addSchemas("FieldProblem", fieldProblem());
        components.addResponses("BadRequest", badRequest());
        components.addResponses(
                "Unauthorized",
                response("No or wrong admin credentials", ProblemType.UNAUTHORIZED)
                        .addHeaderObject(
                                "WWW-Authenticate",
                                new Header()
                                        .description("`Basic realm=\"scopegate-admin\"`")
                                        .schema(new StringSchema())));
        components.addResponses(
                "Forbidden",
                response(
                        "The admin's role or account does not allow this operation; or a state-changing call came"
                                + " from another site's page",
                        ProblemType.FORBIDDEN,
                        ProblemType.CROSS_SITE));
        components.addResponses(
                "UnsupportedMediaType",
                response(
                        "A state-changing call with a body (or Content-Type) that is not JSON",
                        ProblemType.UNSUPPORTED_MEDIA_TYPE));
        components.addResponses(
                "NotFound",
                response("No such account, token or API (nor is another account's token)", ProblemType.NOT_FOUND));
        components.addResponses(
                "Conflict",
                response(
                        "The current state forbids the change; `title` says which",
                        ProblemType.CONFLICT,
                        ProblemType.ACTIVE_TOKEN_LIMIT));
        components.addResponses(
                "Gone",
                response("Secrets cannot be shown again (scopegate.credentials.retrievable=false)", ProblemType.GONE));
        components.addResponses(
                "Busy",
                response(
                                "A bounded resource is taken (e.g. concurrent audit exports), or too many failed sign-ins"
                                        + " for this user or from this address; retry after `Retry-After` seconds",
                                ProblemType.BUSY,
                                ProblemType.LOGIN_THROTTLED)
                        .addHeaderObject(
                                "Retry-After",
                                new Header().description("Seconds to wait").schema(new StringSchema())));
        components.addResponses(
                "InternalError", response("The request failed; it has been logged", ProblemType.INTERNAL));
        components.addResponses(
                "StoreUnavailable",
                response(
                                "The token store failed or did not answer within `scopegate.admin.store-timeout`"
                                        + " (default 5 s); a change asked for was rolled back. Retry after"
                                        + " `Retry-After` seconds",
                                ProblemType.STORE_UNAVAILABLE)
                        .addHeaderObject(
                                "Retry-After",
                                new Header().description("Seconds to wait").schema(new StringSchema())));
        openApi.getPaths().values().stream()
                .flatMap(path -> path.readOperationsMap().entrySet().stream())
                .forEach(ProblemResponses::addCommonResponses);
    }

    /**
     * Every operation needs an admin's credentials (which may be locked after failed sign-ins), and
     * any of them can fail; every state-changing one refuses cross-site calls and non-JSON bodies.
     */
    private static void addCommonResponses(Map.Entry<PathItem.HttpMethod, Operation> method) {
        ApiResponses responses = method.getValue().getResponses();
        responses.putIfAbsent("401", new ApiResponse().$ref(UNAUTHORIZED));
        responses.putIfAbsent("429", new ApiResponse().$ref(BUSY));
        responses.putIfAbsent("500", new ApiResponse().$ref(INTERNAL));
        responses.putIfAbsent("503", new ApiResponse().$ref(STORE_UNAVAILABLE));
        if (method.getKey() != PathItem.HttpMethod.GET && method.getKey() != PathItem.HttpMethod.HEAD) {
            responses.putIfAbsent("403", new ApiResponse().$ref(FORBIDDEN));
            responses.putIfAbsent("415", new ApiResponse().$ref(UNSUPPORTED_MEDIA_TYPE));
        }
    }

    private static ApiResponse response(String description, ProblemType... types) {
        List<String> uris =
                Arrays.stream(types).map(type -> type.uri().toString()).toList();
        return new ApiResponse()
                .description(description + " (" + String.join(", ", uris) + ")")
                .content(problemJson(typed(uris, new ObjectSchema())));
    }

    /**
     * Ours names every wrong field in {@code errors}. Spring's own ({@value #ABOUT_BLANK}) comes from a
     * request refused before validation ran: a query parameter of the wrong type, a missing body.
     */
    private static ApiResponse badRequest() {
        String validation = ProblemType.VALIDATION.uri().toString();
        Schema<?> errors = new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldProblem"));
        return new ApiResponse()
                .description("The request is invalid (" + validation + ", with `errors` naming each wrong field; "
                        + ABOUT_BLANK + " when the framework refused it before validation)")
                .content(problemJson(
                        typed(List.of(validation, ABOUT_BLANK), new ObjectSchema().addProperty("errors", errors))));
    }

    /** The problem schema, its {@code type} narrowed to these URIs, with any extra properties. */
    private static Schema<?> typed(List<String> uris, Schema<?> extra) {
        extra.addProperty("type", new StringSchema()._enum(uris));
        return new ComposedSchema().allOf(List.of(new Schema<>().$ref(PROBLEM), extra));
    }

    private static Content problemJson(Schema<?> schema) {
        return new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(schema));
    }

    /** RFC 9457 problem details, as Spring's {@code ProblemDetail} writes them. */
    private static Schema<?> problem() {
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .properties(Map.of(
                        "type", new StringSchema().description("What kind of problem: a urn:scopegate:problem:… URI"),
                        "title", new StringSchema().description("A short summary of the kind of problem"),
                        "status", new IntegerSchema().description("The HTTP status code"),
                        "detail", new StringSchema().description("What went wrong with this request; never a secret"),
                        "instance", new StringSchema().description("The request path, when given")))
                .required(List.of("type", "title", "status"));
    }

    private static Schema<?> fieldProblem() {
        return new ObjectSchema()
                .description("One invalid input field")
                .properties(Map.of(
                        "field", new StringSchema().description("The field's JSON path, e.g. scopes[0].methods"),
                        "message", new StringSchema().description("What is wrong with it")))
                .required(List.of("field", "message"));
    }
}
