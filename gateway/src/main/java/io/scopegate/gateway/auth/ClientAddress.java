package io.scopegate.gateway.auth;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.scope.IpLiteral;
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
        if (!trusted(peer)) {
            return peer;
        }
        List<String> forwarded = request.getHeaders().getValuesAsList("X-Forwarded-For");
        String client = peer;
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String hop = forwarded.get(i).trim();
            if (IpLiteral.parse(hop) == null) {
                return client;
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
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
