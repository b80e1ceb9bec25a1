package io.scopegate.gateway.scope;

/** What a verified caller may do with one request: go on, or which refusal. Values, not exceptions. */
public sealed interface ScopeDecision {

    ScopeDecision PERMITTED = new Permitted();

    record Permitted() implements ScopeDecision {}

    /** A method-override header was sent: 400, as it could otherwise widen access at the upstream. */
    record MethodOverride() implements ScopeDecision {}

    /**
     * A WebSocket upgrade to an API that has not opted in: 403. A tunnel outlives the checks of its
     * handshake, so the gateway lets one open only where it also tracks and closes it.
     */
    record WebSocketRefused() implements ScopeDecision {}

    /** A WebSocket upgrade that is not a GET, so not a handshake the API's GET scope can vouch for: 400. */
    record WebSocketNotGet() implements ScopeDecision {}

    /** No catalog route on the exchange: nothing can be granted; refused like an unknown credential. */
    record Unrouted() implements ScopeDecision {}

    /**
     * The token is bound to a client certificate this connection did not present, or the API requires
     * mutual TLS and the token is bound to none: 403.
     */
    record CertificateRefused() implements ScopeDecision {}

    /** The caller's scopes (or the API) do not grant this method; {@code missingScope} like {@code campaigns:POST}. */
    record OutOfScope(String missingScope) implements ScopeDecision {}
}
