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
            if (address.isLinkLocalAddress() || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                return "points at a link-local or reserved address (" + address.getHostAddress() + ")";
            }
            boolean internal = address.isLoopbackAddress()
                    || address.isSiteLocalAddress()
                    || isUniqueLocal(address)
                    || isSharedAddressSpace(address);
            if (internal && !allowPrivate) {
                return "points at a loopback or private address (" + address.getHostAddress()
                        + "); an operator may allow these with scopegate.webhooks.allow-private-addresses";
            }
        }
        return null;
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
