package io.scopegate.gateway;

import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The reverse proxies whose forwarding headers the gateway believes ({@code scopegate.gateway.trusted-proxies},
 * CIDRs): their X-Forwarded-For names the client, their X-Forwarded-Proto says whether the client spoke
 * TLS to them, and they may hold many connections. Anyone else's forwarding headers are the client's own
 * words and are ignored.
 */
public final class TrustedProxies {

    private final List<IpAddressMatcher> ranges;

    public TrustedProxies(List<String> cidrs) {
        this.ranges = cidrs.stream().map(IpAddressMatcher::new).toList();
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean contains(String address) {
        for (IpAddressMatcher range : ranges) {
            if (range.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** The request's socket peer, as an address literal ({@code 0.0.0.0} when unknown). */
    public static String peerOf(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null
                ? "0.0.0.0"
                : remote.getAddress().getHostAddress();
    }
}
