package io.scopegate.admin;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks every response the HTTP tests receive against the committed {@code docs/openapi.yaml}: the
 * path and method must be a documented operation, the status one of its documented responses, and
 * the content type and body what that response documents. A test whose response the description
 * does not cover fails with the validator's report.
 */
final class OpenApiConformance implements ExchangeFilterFunction {

    /** The description documents the REST API; other paths (the description itself, deny-by-default probes) are not operations. */
    private static final String API_PREFIX = "/v1/";

    private static final Path DESCRIPTION = Path.of("..", "docs", "openapi.yaml");

    private final OpenApiInteractionValidator validator;

    private OpenApiConformance(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    /** Checks nothing while {@code -Dopenapi.write=true} rewrites the description (see OpenApiSpecTest). */
    static ExchangeFilterFunction ofCommittedDescription() {
        if (Boolean.getBoolean("openapi.write")) {
            return (request, next) -> next.exchange(request);
        }
        try {
            String yaml = Files.readString(DESCRIPTION, StandardCharsets.UTF_8);
            // Combinators resolved: a problem is allOf(Problem, its narrowed type), and the validator treats a
            // property a schema does not name as an error, which would fail every part of an unmerged allOf.
            return new OpenApiConformance(OpenApiInteractionValidator.createForInlineApiSpecification(yaml)
                    .withResolveCombinators(true)
                    .build());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "docs/openapi.yaml is missing; see OpenApiSpecTest for how to generate it", e);
        }
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        String path = request.url().getRawPath();
        if (!path.startsWith(API_PREFIX)) {
            return next.exchange(request);
        }
        return next.exchange(request).flatMap(response -> checked(request, response));
    }

    private Mono<ClientResponse> checked(ClientRequest request, ClientResponse response) {
        return DataBufferUtils.join(response.body((message, context) -> message.getBody()))
                .map(OpenApiConformance::bytes)
                .defaultIfEmpty(new byte[0])
                .map(body -> checked(request, response, body));
    }

    /** The response, its body put back for the test to read, once the description allows it. */
    private ClientResponse checked(ClientRequest request, ClientResponse response, byte[] body) {
        SimpleResponse.Builder actual =
                SimpleResponse.Builder.status(response.statusCode().value());
        response.headers().asHttpHeaders().forEach(actual::withHeader);
        String contentType = response.headers().asHttpHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        if (contentType != null) {
            actual.withContentType(contentType);
        }
        if (body.length > 0) {
            actual.withBody(body);
        }
        ValidationReport report = validator.validateResponse(
                request.url().getRawPath(),
                Request.Method.valueOf(request.method().name()),
                actual.build());
        if (report.hasErrors()) {
            throw new AssertionError(
                    "The response to " + request.method() + " " + request.url().getRawPath() + " ("
                            + response.statusCode().value() + ") is not what docs/openapi.yaml describes:\n"
                            + report.getMessages().stream()
                                    .map(message -> "  " + message.getKey() + ": " + message.getMessage())
                                    .collect(Collectors.joining("\n"))
                            + "\nbody: " + new String(body, StandardCharsets.UTF_8));
        }
        DataBuffer copy = DefaultDataBufferFactory.sharedInstance.wrap(body);
        return response.mutate().body(Flux.just(copy)).build();
    }

    private static byte[] bytes(DataBuffer buffer) {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        DataBufferUtils.release(buffer);
        return bytes;
    }
}
