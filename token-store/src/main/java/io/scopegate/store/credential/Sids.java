package io.scopegate.store.credential;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Public identifiers. A scoped token's SID is {@code ST} and 32 hex digits; an account's is
 * {@code AC} and 32 hex digits unless an operator chose one. The gateway tells a scoped token (its
 * own SID as Basic username) from a legacy token (the account SID) by {@link #isTokenSid}, so an
 * account SID may never look like a token SID.
 */
public final class Sids {

    public static final Pattern TOKEN_SID = Pattern.compile("ST[0-9a-f]{32}");
    public static final Pattern ACCOUNT_SID = Pattern.compile("[A-Za-z0-9]{2,64}");

    private final SecureRandom random;

    public Sids(SecureRandom random) {
        this.random = random;
    }

    public String newTokenSid() {
        return "ST" + randomHex();
    }

    public String newAccountSid() {
        return "AC" + randomHex();
    }

    public static boolean isTokenSid(String candidate) {
        return candidate != null && TOKEN_SID.matcher(candidate).matches();
    }

    public static boolean isValidAccountSid(String candidate) {
        return candidate != null && ACCOUNT_SID.matcher(candidate).matches() && !isTokenSid(candidate);
    }

    private String randomHex() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
