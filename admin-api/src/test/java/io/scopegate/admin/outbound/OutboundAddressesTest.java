package io.scopegate.admin.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses webhooks and upstreams may reach: also the check a delivery applies to the address it connected to. */
class OutboundAddressesTest {

    private static final String SETTING = "scopegate.webhooks.allow-private-addresses";

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
        assertThat(OutboundAddresses.problem(InetAddress.getByName(address), true, SETTING))
                .isNotNull();
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
        assertThat(OutboundAddresses.problem(parsed, false, SETTING)).isNotNull();
        assertThat(OutboundAddresses.problem(parsed, true, SETTING)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertThat(OutboundAddresses.problem(InetAddress.getByName(address), false, SETTING))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://0x7f000001/",
                "http://2130706433/",
                "http://0177.0.0.1/",
                "http://127.1/",
                "http://0x7f.0.0.1:8091/actuator",
                "http://017700000001/",
                "http://127.000.000.001/"
            })
    void numericHostsInFormsResolversReadDifferentlyAreRefusedEvenWhenPrivateIsAllowed(String url) {
        assertThat(OutboundAddresses.addressProblem(url, true, SETTING)).contains("dotted-decimal");
    }

    @org.junit.jupiter.api.Test
    void canonicalLiteralsAndNamesAreJudgedByTheirAddresses() {
        assertThat(OutboundAddresses.addressProblem("http://127.0.0.1:8091/", false, SETTING))
                .contains("loopback", SETTING);
        assertThat(OutboundAddresses.addressProblem("http://127.0.0.1:8091/", true, SETTING))
                .isNull();
        assertThat(OutboundAddresses.addressProblem("http://[::ffff:169.254.169.254]/", true, SETTING))
                .contains("link-local");
        assertThat(OutboundAddresses.addressProblem("http://localhost/", false, SETTING))
                .contains("loopback");
        assertThat(OutboundAddresses.addressProblem("http://93.184.215.14/", false, SETTING))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://[fe80::1%25eth0]/",
                "http://[fd00:ec2::254%25x]/",
                "http://[::1%25lo]/",
                "http://[not-an-address]/",
                "http://metadata.google.internal/computeMetadata/v1/",
                "http://METADATA.GOOGLE.INTERNAL./"
            })
    void zonedLiteralsAndMetadataNamesAreRefusedEvenWherePrivateIsAllowed(String url) {
        assertThat(OutboundAddresses.addressProblem(url, true, SETTING, true)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"http://localhost./", "http://LOCALHOST/", "http://app.localhost/", "http://ip6-localhost/"})
    void namesThatMeanThisHostAreLoopbackWhetherOrNotTheyResolveHere(String url) {
        assertThat(OutboundAddresses.addressProblem(url, false, SETTING, true)).contains("loopback");
    }
}
