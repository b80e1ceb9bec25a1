package io.scopegate.admin.security;

import io.scopegate.store.net.ForwardedFor;
import io.scopegate.store.scope.IpLiteral;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Who is calling, for the sign-in throttle and the audit log's {@code sourceIp}: the socket peer,
 * unless it is one of {@code scopegate.admin.trusted-proxies}; then the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy (the gateway's rule). Entries that
 * are not IP literals end the walk. Spring's own forwarded-header handling is off
 * ({@code server.forward-headers-strategy: none}): on Kubernetes it would otherwise believe any
 * client's {@code X-Forwarded-For}.
 */
@Component
public class ClientAddresses {

    /** {@code scopegate.admin.*}. */
    @ConfigurationProperties("scopegate.admin")
    public record Settings(@DefaultValue({}) List<String> trustedProxies) {}

    /** One trusted block: an address and how many leading bits must match. */
    private record Block(byte[] address, int bits) {
        static Block parse(String cidr) {
            int slash = cidr.indexOf('/');
            java.net.InetAddress address = IpLiteral.parse(
                    slash < 0 ? cidr.strip() : cidr.substring(0, slash).strip());
            if (address == null) {
                throw new IllegalArgumentException("scopegate.admin.trusted-proxies: not an address or CIDR: " + cidr);
            }
            int bits = slash < 0
                    ? address.getAddress().length * 8
                    : Integer.parseInt(cidr.substring(slash + 1).strip());
            return new Block(address.getAddress(), bits);
        }

        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Block> trustedProxies;

    ClientAddresses(Settings settings) {
        this.trustedProxies =
                settings.trustedProxies().stream().map(Block::parse).toList();
    }

    public String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getHostAddress();
        return ForwardedFor.client(peer, request.getHeaders().getValuesAsList("X-Forwarded-For"), this::trusted);
    }

    private boolean trusted(String address) {
        java.net.InetAddress parsed = IpLiteral.parse(address);
        if (parsed == null) {
            return false;
        }
        for (Block proxy : trustedProxies) {
            if (proxy.contains(parsed.getAddress())) {
                return true;
            }
        }
        return false;
    }
}
