package io.scopegate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The username and secret of an {@code Authorization: Basic} header. The secret stays out of toString. */
public record BasicCredentials(String username, String secret) {

    /** Far above any real SID:secret pair (about 80 characters), far below what could hurt. */
    static final int MAX_HEADER_LENGTH = 512;

    /** Null for anything that is not a well-formed Basic header: missing, too long, not base64, no colon. */
    public static BasicCredentials parse(String header) {
        if (header == null
                || header.length() > MAX_HEADER_LENGTH
                || header.length() < 7
                || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon <= 0 || colon == pair.length() - 1) {
            return null;
        }
        return new BasicCredentials(pair.substring(0, colon), pair.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + ", secret=redacted]";
    }
}
