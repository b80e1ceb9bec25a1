package io.scopegate.admin.outbound;

import io.scopegate.store.scope.IpLiteral;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where the admin API lets the platform send requests: webhook endpoints and the catalog's upstreams
 * (which the gateways call on the public port's behalf). Never to an address that reaches inside the
 * platform (server-side request forgery): link-local (cloud metadata), reserved and metadata addresses
 * always refused; loopback, private and unique-local ranges refused unless an operator allows them
 * (run.sh does, for local receivers and upstreams). A host is judged by every address it resolves to;
 * a numeric host must be a canonical IPv4 or IPv6 literal, as resolvers disagree on the others
 * ({@code 0x7f000001}, {@code 2130706433}, {@code 0177.0.0.1}, {@code 127.1} are all 127.0.0.1 to some).
 */
public final class OutboundAddresses {

    private OutboundAddresses() {}

    /** The problem with a webhook URL's form, or null when it is well-formed. */
    public static String formProblem(String url) {
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
     * The problem with where a URL's host points, or null when every address it resolves to may be
     * called. Resolves the name: call it off the event loop.
     *
     * @param allowSetting the property that allows loopback and private addresses, for the message
     */
    public static String addressProblem(String url, boolean allowPrivate, String allowSetting) {
        return addressProblem(url, allowPrivate, allowSetting, false);
    }

    /**
     * As {@link #addressProblem(String, boolean, String)}; with {@code acceptUnresolved} a name that
     * does not resolve (yet) is not a problem — the catalog's upstreams may be named before they exist.
     */
    public static String addressProblem(
            String url, boolean allowPrivate, String allowSetting, boolean acceptUnresolved) {
        String host;
        try {
            host = new URI(url.strip()).getHost();
        } catch (URISyntaxException malformed) {
            return "is not a valid URL";
        }
        if (host == null) {
            // java.net.URI finds no host in forms such as http://127.1/: a resolver might.
            return "must name a host by a name or an address in dotted-decimal form (e.g. 10.0.0.1)";
        }
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        String unbracketed = bracketed ? host.substring(1, host.length() - 1) : host;
        if (unbracketed.contains("%")) {
            // fe80::1%eth0: a zone picks an interface; never a platform-wide destination.
            return "names an address with a zone (" + host + "); zones are not allowed";
        }
        if (bracketed && IpLiteral.parse(unbracketed) == null) {
            return "names " + host + ", which is not an IPv6 address";
        }
        String name = unbracketed.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (METADATA_NAMES.contains(name)) {
            return "points at a cloud metadata service (" + host + ")";
        }
        if (!allowPrivate
                && (name.equals("localhost") || name.endsWith(".localhost") || LOOPBACK_NAMES.contains(name))) {
            // Resolved or not on this machine, these mean "this host" wherever they are looked up.
            return "points at a loopback or private address (" + host + "); an operator may allow these with "
                    + allowSetting;
        }
        if (looksNumeric(unbracketed) && !IpLiteral.isCanonicalIpv4(unbracketed)) {
            return "names the host " + host + " in a form resolvers read differently; write the address in"
                    + " dotted-decimal form (e.g. 10.0.0.1)";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(unbracketed);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return acceptUnresolved ? null : "names a host that does not resolve";
        }
        for (InetAddress address : addresses) {
            String problem = problem(address, allowPrivate, allowSetting);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** Digits, dots and hex (with 0x): what inet_aton would take as an address rather than a name. */
    private static boolean looksNumeric(String host) {
        return host.matches("(?i)[0-9a-fx.]+")
                && host.matches("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");
    }

    /**
     * The problem with one address, or null. Also asked of the address a delivery actually connected
     * to, so a name that resolves differently at connect time (DNS rebinding) is still refused.
     */
    public static String problem(InetAddress address, boolean allowPrivate, String allowSetting) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            // ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64) and 2002:aabb:ccdd:: (6to4) reach that IPv4 address.
            return problem(embedded, allowPrivate, allowSetting);
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
                    + "); an operator may allow these with " + allowSetting;
        }
        return null;
    }

    /** Names of metadata services: refused by name, whatever they resolve to here. */
    private static final java.util.Set<String> METADATA_NAMES =
            java.util.Set.of("metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal");

    /** Names that mean this host on common systems. */
    private static final java.util.Set<String> LOOPBACK_NAMES =
            java.util.Set.of("localhost.localdomain", "ip6-localhost", "ip6-loopback");

    /** Metadata services outside link-local: never called, even where private addresses are allowed. */
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
