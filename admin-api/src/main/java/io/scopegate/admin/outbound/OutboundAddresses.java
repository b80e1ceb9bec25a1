package io.scopegate.admin.notify;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where webhooks may go: absolute http(s) URLs without user info or fragment, and never to an
 * address that reaches inside the platform (server-side request forgery): link-local (cloud metadata)
 * always refused, loopback, private and unique-local ranges refused unless an operator allows them
 * (run.sh does, for a local receiver). Checked when an endpoint is saved and again before each
 * delivery, against every address the host resolves to (a name may change where it points).
 */
final class WebhookUrls {

    private WebhookUrls() {}

    /** The problem with the URL's form, or null when it is well-formed. */
    static String formProblem(String url) {
        if (url == null || url.isBlank()) {
            return "must not be blank";
        }
        if (url.length() > 2048) {
            return "must be at most 2048 characters";
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return "must name a host, without user info or fragment";
        }
        return null;
    }

    /**
     * The problem with where the host points, or null when every address it resolves to may be
     * called. Resolves the name: call it off the event loop.
     */
    static String addressProblem(String url, boolean allowPrivate) {
        String host = URI.create(url.strip()).getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "names a host that does not resolve";
        }
        for (InetAddress address : addresses) {
            String problem = problem(address, allowPrivate);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * The problem with one address, or null. Also asked of the address a delivery actually connected
     * to, so a name that resolves differently at connect time (DNS rebinding) is still refused.
     */
    static String problem(InetAddress address, boolean allowPrivate) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            // ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64) and 2002:aabb:ccdd:: (6to4) reach that IPv4 address.
            return problem(embedded, allowPrivate);
        }
        if (address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || isReservedIpv4(address)
                || CLOUD_METADATA.contains(address.getHostAddress())) {
            return "points at a link-local, reserved or cloud metadata address (" + address.getHostAddress() + ")";
        }
        boolean internal = address.isLoopbackAddress()
                || address.isSiteLocalAddress()
                || isUniqueLocal(address)
                || isSharedAddressSpace(address);
        if (internal && !allowPrivate) {
            return "points at a loopback or private address (" + address.getHostAddress()
                    + "); an operator may allow these with scopegate.webhooks.allow-private-addresses";
        }
        return null;
    }

    /** Metadata services outside link-local: never a webhook, even where private addresses are allowed. */
    private static final java.util.Set<String> CLOUD_METADATA = java.util.Set.of(
            "100.100.100.200", // Alibaba Cloud
            "fd00:ec2:0:0:0:0:0:254" // AWS over IPv6
            );

    /** The IPv4 address an IPv6 one carries (IPv4-compatible, NAT64, 6to4), or null. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return null;
        }
        boolean compatible = java.util.Arrays.equals(java.util.Arrays.copyOf(b, 12), new byte[12]);
        boolean nat64 = (b[0] & 0xFF) == 0x00
                && (b[1] & 0xFF) == 0x64
                && (b[2] & 0xFF) == 0xFF
                && (b[3] & 0xFF) == 0x9B
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, 4, 12), new byte[8]);
        try {
            if ((compatible && !address.isLoopbackAddress() && !address.isAnyLocalAddress()) || nat64) {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
            }
            if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 2, 6));
            }
        } catch (UnknownHostException impossible) {
            return null;
        }
        return null;
    }

    /** 0/8, 192.0.0/24, 198.18/15 (benchmarking), 240/4 and broadcast: never a real receiver. */
    private static boolean isReservedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4) {
            return false;
        }
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return first == 0
                || (first == 192 && second == 0 && (b[2] & 0xFF) == 0)
                || (first == 198 && (second == 18 || second == 19))
                || first >= 240;
    }

    /** IPv6 fc00::/7. */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xFE) == 0xFC;
    }

    /** 100.64.0.0/10 (carrier-grade NAT, often cluster-internal). */
    private static boolean isSharedAddressSpace(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 && (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64;
    }
}
