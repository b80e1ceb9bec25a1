package io.scopegate.admin.error;

import io.scopegate.store.lifecycle.StoreFailures;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

/** The one place where REST API failures become {@code application/problem+json} (the console renders pages). */
@RestControllerAdvice(annotations = RestController.class)
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<FieldProblem> errors = new ArrayList<>();
        ex.getFieldErrors().forEach(e -> errors.add(new FieldProblem(e.getField(), e.getDefaultMessage())));
        ex.getGlobalErrors().forEach(e -> errors.add(new FieldProblem(e.getObjectName(), e.getDefaultMessage())));
        return problem(ApiProblem.invalid(errors), exchange);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        Throwable cause = ex.getCause() instanceof DecodingException decoding ? decoding.getCause() : ex.getCause();
        if (cause instanceof JacksonException json) {
            return problem(ApiProblem.invalidJson(json), exchange);
        }
        if (ex.getCause() instanceof DecodingException) {
            return problem(ApiProblem.invalid("body", "is not valid JSON"), exchange);
        }
        if (ex.getCause() instanceof TypeMismatchException mismatch && ex.getMethodParameter() != null) {
            return problem(ApiProblem.invalid(parameterName(ex.getMethodParameter()), wanted(mismatch)), exchange);
        }
        return super.handleServerWebInputException(ex, headers, status, exchange);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    Mono<ResponseEntity<Object>> integrityViolation(DataIntegrityViolationException ex, ServerWebExchange exchange) {
        // Two requests raced for the same unique key; the loser is told, nothing was written.
        log.info(
                "integrity violation on {} {}: {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                ex.getMostSpecificCause().getClass().getSimpleName());
        return problem(ApiProblem.conflict("Conflict", "The resource was changed concurrently; retry"), exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
        if (StoreFailures.isStoreFailure(ex)) {
            // StoreDeadline answers these, for the REST API and the console alike: 503 with Retry-After.
            return Mono.error(ex);
        }
        log.error(
                "unhandled error on {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                ex);
        ProblemDetail body = ApiProblem.problem(
                ProblemType.INTERNAL, ProblemType.INTERNAL.title(), "The request failed; it has been logged");
        return createResponseEntity(body, new HttpHeaders(), ProblemType.INTERNAL.status(), exchange);
    }

    /** The query parameter as the client spelt it. */
    private static String parameterName(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        return param != null && !param.name().isEmpty()
                ? param.name()
                : parameter.getParameter().getName();
    }

    private static String wanted(TypeMismatchException mismatch) {
        Class<?> type = mismatch.getRequiredType();
        boolean whole = type == int.class || type == Integer.class || type == long.class || type == Long.class;
        return whole ? "must be a whole number" : "is not a valid value";
    }

    private Mono<ResponseEntity<Object>> problem(ApiProblem problem, ServerWebExchange exchange) {
        return createResponseEntity(problem.getBody(), new HttpHeaders(), problem.getStatusCode(), exchange);
    }
}
