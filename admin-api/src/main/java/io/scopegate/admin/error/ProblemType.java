package io.scopegate.admin.error;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every {@code type} of problem the admin API answers with, its status and its title. The one list
 * both the responses and the OpenAPI description are built from, so they cannot drift apart.
 */
public enum ProblemType {
    VALIDATION(HttpStatus.BAD_REQUEST, "validation", "Invalid request"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden", "Forbidden"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "not-found", "Not Found"),
    /** A state that forbids the change; its title names which (e.g. {@code API in use}). */
    CONFLICT(HttpStatus.CONFLICT, "conflict", "Conflict"),
    ACTIVE_TOKEN_LIMIT(HttpStatus.CONFLICT, "active-token-limit", "Active token limit reached"),
    GONE(HttpStatus.GONE, "gone", "Gone"),
    /** A body over what the server buffers. */
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content Too Large"),
    /** A bounded resource is in use by others (e.g. concurrent audit exports); retry later. */
    BUSY(HttpStatus.TOO_MANY_REQUESTS, "busy", "Too Many Requests"),
    /** Too many failed sign-ins for this user or from this address; retry after {@code Retry-After}. */
    LOGIN_THROTTLED(HttpStatus.TOO_MANY_REQUESTS, "login-throttled", "Too many failed sign-ins"),
    /** A state-changing call from another site's page, or with a body that is not JSON. */
    CROSS_SITE(HttpStatus.FORBIDDEN, "cross-site", "Cross-site request refused"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported Media Type"),
    /** The store failed or did not answer within {@code scopegate.admin.store-timeout}; retry after {@code Retry-After}. */
    STORE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Store unavailable"),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal Server Error");

    private static final String PREFIX = "urn:scopegate:problem:";

    private final HttpStatus status;
    private final URI uri;
    private final String title;

    ProblemType(HttpStatus status, String slug, String title) {
        this.status = status;
        this.uri = URI.create(PREFIX + slug);
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public URI uri() {
        return uri;
    }

    /** The usual title; {@link #CONFLICT} problems carry a more specific one. */
    public String title() {
        return title;
    }
}
