package io.scopegate.gateway.limit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.core.io.ClassPathResource;

/** {@code scopegate/rate-limit.lua}, and its SHA-1 for {@code EVALSHA}. */
record RateLimitScript(String text, String sha) {

    static RateLimitScript load() {
        String text = readScript();
        return new RateLimitScript(text, sha1(text));
    }

    private static String readScript() {
        try {
            return new ClassPathResource("scopegate/rate-limit.lua").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The rate-limit script is missing from the gateway's jar", e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-1", e);
        }
    }
}
