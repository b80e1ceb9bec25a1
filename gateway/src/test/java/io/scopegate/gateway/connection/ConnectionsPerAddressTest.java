package io.scopegate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The per-address connection cap, on embedded channels that claim a peer address. */
@Tag("security")
class ConnectionsPerAddressTest {

    private final Counter refused = new SimpleMeterRegistry().counter("refused");
    private final ConnectionsPerAddress cap = new ConnectionsPerAddress(3, List.of("10.1.2.3/32"), refused);

    private EmbeddedChannel connect(String address) {
        InetSocketAddress peer = new InetSocketAddress(address, 40000);
        EmbeddedChannel channel = new EmbeddedChannel(false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return peer;
            }
        };
        channel.pipeline().addLast(cap);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return channel;
    }

    @Test
    void beyondTheCapNewConnectionsAreClosedAtOnceAndCounted() {
        List<EmbeddedChannel> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect("203.0.113.5"));
        }
        assertThat(held).allMatch(EmbeddedChannel::isOpen);

        EmbeddedChannel fourth = connect("203.0.113.5");

        assertThat(fourth.isOpen()).isFalse();
        assertThat(refused.count()).isEqualTo(1);
        assertThat(connect("198.51.100.7").isOpen()).as("another address").isTrue();
    }

    @Test
    void aClosedConnectionFreesItsPlace() {
        List<EmbeddedChannel> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect("203.0.113.5"));
        }
        held.get(0).close();

        assertThat(connect("203.0.113.5").isOpen()).isTrue();
        assertThat(connect("203.0.113.5").isOpen()).isFalse();
    }

    @Test
    void trustedProxiesAreExempt() {
        for (int i = 0; i < 10; i++) {
            assertThat(connect("10.1.2.3").isOpen()).isTrue();
        }
        assertThat(refused.count()).isZero();
    }

    @Test
    void addressesWithNoOpenConnectionAreForgotten() {
        EmbeddedChannel one = connect("203.0.113.9");
        assertThat(cap.open(((InetSocketAddress) one.remoteAddress()).getAddress()))
                .isEqualTo(1);
        one.close();
        assertThat(cap.open(((InetSocketAddress) one.remoteAddress()).getAddress()))
                .isZero();
    }
}
