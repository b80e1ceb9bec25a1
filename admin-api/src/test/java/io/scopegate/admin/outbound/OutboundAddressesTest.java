package io.scopegate.admin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a webhook may reach: the check a delivery also applies to the address it connected to. */
class WebhookUrlsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "169.254.169.254",
                "fe80::1",
                "0.0.0.0",
                "::",
                "224.0.0.1",
                "255.255.255.255",
                "240.0.0.1",
                "198.18.0.1",
                "192.0.0.8",
                "100.100.100.200",
                "fd00:ec2::254",
                "::169.254.169.254",
                "64:ff9b::a9fe:a9fe",
                "2002:a9fe:a9fe::1",
                "::ffff:169.254.169.254"
            })
    void linkLocalReservedAndMetadataAddressesAreNeverAllowed(String address) throws Exception {
        assertThat(WebhookUrls.problem(InetAddress.getByName(address), true)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "::1",
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "fc00::1",
                "100.64.0.1",
                "::127.0.0.1",
                "64:ff9b::a00:1",
                "2002:a00:1::1",
                "::ffff:10.0.0.1"
            })
    void loopbackAndPrivateAddressesOnlyWhenAnOperatorAllowsThem(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);
        assertThat(WebhookUrls.problem(parsed, false)).isNotNull();
        assertThat(WebhookUrls.problem(parsed, true)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertThat(WebhookUrls.problem(InetAddress.getByName(address), false)).isNull();
    }
}
