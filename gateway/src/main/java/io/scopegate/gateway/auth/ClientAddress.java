package io.scopegate.gateway.auth;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.net.ForwardedFor;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy. Entries that are not IP literals end the
 * walk (they are never resolved), so a client cannot talk its way past the proxy that saw it.
 */
@Component
class ClientAddress {

    private final List<IpAddressMatcher> trustedProxies;

    ClientAddress(GatewaySettings settings) {
        this.trustedProxies =
                settings.trustedProxies().stream().map(IpAddressMatcher::new).toList();
    }

    String resolve(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null
                ? "0.0.0.0"
                : remote.getAddress().getHostAddress();
        return ForwardedFor.client(peer, request.getHeaders().getValuesAsList("X-Forwarded-For"), this::trusted);
    }

    private boolean trusted(String address) {
        for (IpAddressMatcher proxy : trustedProxies) {
            if (proxy.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
