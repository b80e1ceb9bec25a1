package io.scopegate.store.scope;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals, parsed without ever asking DNS: {@link InetAddress#getByName} resolves host
 * names (a blocking network call), so anything that is not literally an address is refused first.
 */
public final class IpLiteral {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {}

    /** Four decimal parts 0–255 without leading zeros: the one IPv4 form every resolver reads alike. */
    public static boolean isCanonicalIpv4(String text) {
        return text != null && IPV4.matcher(text).matches();
    }

    /** The address, or null when the text is not an IPv4 or IPv6 literal. */
    public static InetAddress parse(String text) {
        if (text == null
                || !(IPV4.matcher(text).matches()
                        || text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address or a CIDR block whose prefix fits the address family. */
    public static boolean isCidr(String text) {
        if (text == null) {
            return false;
        }
        int slash = text.indexOf('/');
        InetAddress address = parse(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String prefix = text.substring(slash + 1);
        return prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= address.getAddress().length * 8;
    }
}
