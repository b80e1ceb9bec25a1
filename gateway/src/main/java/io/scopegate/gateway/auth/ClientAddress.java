package io.scopegate.gateway.auth;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.TrustedProxies;
import io.scopegate.store.net.ForwardedFor;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy. Entries that are not IP literals end the
 * walk (they are never resolved), so a client cannot talk its way past the proxy that saw it.
 */
@Component
class ClientAddress {

    private final TrustedProxies trustedProxies;

    ClientAddress(GatewaySettings settings) {
        this.trustedProxies = new TrustedProxies(settings.trustedProxies());
    }

    String resolve(ServerHttpRequest request) {
        return ForwardedFor.client(
                TrustedProxies.peerOf(request),
                request.getHeaders().getValuesAsList("X-Forwarded-For"),
                trustedProxies::contains);
    }
}
