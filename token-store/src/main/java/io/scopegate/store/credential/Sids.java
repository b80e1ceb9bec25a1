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

    /**
     * Whether a Basic username can name any credential at all: a token SID, or an account SID (the
     * username of legacy tokens), i.e. 2–64 ASCII letters and digits. The gateway refuses anything
     * else before any lookup, so control bytes, NUL and oversized names never reach the store. A
     * loop rather than the patterns: it runs on every request that is not answered from memory.
     */
    public static boolean isWellFormedUsername(CharSequence candidate) {
        if (candidate == null || candidate.length() < 2 || candidate.length() > 64) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    private String randomHex() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
