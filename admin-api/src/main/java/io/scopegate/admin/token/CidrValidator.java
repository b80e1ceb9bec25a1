package io.scopegate.admin.token;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Accepts only address literals, so validation never triggers a DNS lookup (InetAddress would
 * resolve a host name), and checks the prefix length against the address family.
 */
class CidrValidator implements ConstraintValidator<Cidr, String> {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        int maxPrefix;
        if (IPV4.matcher(address).matches()) {
            maxPrefix = 32;
        } else if (address.contains(":") && IPV6.matcher(address).matches() && parses(address)) {
            maxPrefix = 128;
        } else {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String prefix = value.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}")) {
            return false;
        }
        return Integer.parseInt(prefix) <= maxPrefix;
    }

    private static boolean parses(String ipv6Literal) {
        try {
            // A literal containing ':' is parsed, never looked up.
            InetAddress.getByName(ipv6Literal);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
