package io.scopegate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ipfilter.AbstractRemoteAddressFilter;
import io.scopegate.gateway.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most {@code max} open connections per client address on the proxy port; a connection beyond
 * that is closed as soon as it is accepted, before a byte of it is read, and counted. Netty's
 * remote-address filter does the accepting and closing (as its {@code UniqueIpFilter} does for one
 * connection per address); this one counts instead of allowing just one.
 * <p>
 * The address is the socket peer: this is decided before any request, so X-Forwarded-For plays no
 * part. Trusted proxies are exempt, since every client behind them shares their address; they are
 * expected to bound their own clients. Only addresses with open connections are kept, so memory is
 * bounded by the open connections.
 */
@ChannelHandler.Sharable
final class ConnectionsPerAddress extends AbstractRemoteAddressFilter<InetSocketAddress> {

    private final int max;
    private final TrustedProxies exempt;
    private final Counter refused;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionsPerAddress(int max, List<String> trustedProxies, Counter refused) {
        this.max = max;
        this.exempt = new TrustedProxies(trustedProxies);
        this.refused = refused;
    }

    @Override
    protected boolean accept(ChannelHandlerContext ctx, InetSocketAddress remote) {
        InetAddress address = remote.getAddress();
        if (address == null || isExempt(address)) {
            return true;
        }
        boolean[] admitted = {false};
        open.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= max) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            refused.increment();
            return false;
        }
        ctx.channel()
                .closeFuture()
                .addListener(closed -> open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1));
        return true;
    }

    /** Open connections of this address, for tests. */
    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    private boolean isExempt(InetAddress address) {
        // Without trusted proxies, no address literal is formatted per connection.
        return !exempt.isEmpty() && exempt.contains(address.getHostAddress());
    }
}
