package io.scopegate.admin.catalog;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.store.scope.Scope;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/** The body of {@code PUT /v1/apis/{api}}: what an operator says about one upstream API. */
record SaveApi(
        @NotBlank @Size(max = 200) String name,
        @NotEmpty @Size(max = 50) List<@NotBlank @Size(max = 500) String> paths,
        @NotEmpty List<@NotBlank String> methods,
        @NotBlank @Size(max = 2048) String upstreamUrl,
        @NotNull @Positive @Max(10_000) Integer latestVersion,

        @Schema(description = WEBSOCKET_DESCRIPTION, defaultValue = "false")
        Boolean websocket,

        @Schema(description = MUTUAL_TLS_DESCRIPTION, defaultValue = "false")
        Boolean mutualTls) {

    static final String WEBSOCKET_DESCRIPTION = "Whether the gateways let WebSocket upgrades through to this API"
            + " (false: refused with 403). A tunnel needs the token's GET scope on the API and is closed"
            + " within a second when the token is disabled, reset, deleted, expires or loses the scope";

    static final String MUTUAL_TLS_DESCRIPTION = "Whether every call to this API must come over TLS with a verified"
            + " client certificate whose subject is the calling token's clientCertificateSubject (false: tokens alone)."
            + " A token without a bound subject is refused on such an API";

    static final Pattern API_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    /**
     * The definition to store under {@code id}: methods upper-cased, duplicate paths and methods
     * dropped. Checks what bean validation cannot (the id, path pattern syntax, known methods, the
     * URL) and reports every wrong field at once.
     */
    ApiDefinition definition(String id, Instant now) {
        List<FieldProblem> errors = new ArrayList<>();
        if (!API_ID.matcher(id).matches()) {
            errors.add(new FieldProblem("api", "must be lower-case letters, digits and '-', starting with a letter"));
        }
        checkPaths(errors);
        LinkedHashSet<String> upperCaseMethods = new LinkedHashSet<>();
        for (int i = 0; i < methods.size(); i++) {
            String method = methods.get(i).toUpperCase(Locale.ROOT);
            if (!Scope.KNOWN_METHODS.contains(method)) {
                errors.add(new FieldProblem("methods[" + i + "]", "must be one of " + Scope.KNOWN_METHODS));
            }
            upperCaseMethods.add(method);
        }
        if (!isHttpUrl(upstreamUrl)) {
            errors.add(
                    new FieldProblem("upstreamUrl", "must be an absolute http or https URL without query or fragment"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new ApiDefinition(
                id,
                name.strip(),
                List.copyOf(new LinkedHashSet<>(paths)),
                List.copyOf(upperCaseMethods),
                upstreamUrl,
                latestVersion,
                // Off unless asked for: a PUT replaces the whole definition, as for every other field.
                Boolean.TRUE.equals(websocket),
                Boolean.TRUE.equals(mutualTls),
                now,
                now);
    }

    private void checkPaths(List<FieldProblem> errors) {
        PathPatternParser parser = new PathPatternParser();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            if (!path.startsWith("/")) {
                errors.add(new FieldProblem("paths[" + i + "]", "must start with /"));
                continue;
            }
            try {
                parser.parse(path);
            } catch (PatternParseException e) {
                errors.add(new FieldProblem("paths[" + i + "]", "is not a valid path pattern: " + e.getMessage()));
            }
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getQuery() == null
                    && uri.getFragment() == null
                    && uri.getUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }
}
