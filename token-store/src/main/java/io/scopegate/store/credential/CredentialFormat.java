package io.scopegate.store.credential;

import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The recognisable shape of every Scopegate secret, in the spirit of GitHub's {@code ghp_} tokens:
 * a product prefix, 30 random base62 characters (about 178 bits from {@link SecureRandom}) and a
 * 6-character base62 CRC32 of everything before it. Leak scanners find secrets by {@link #PATTERN};
 * the gateway rejects a mangled secret by {@link #isWellFormed} without touching the store.
 */
public final class CredentialFormat {

    public static final String SCOPED_PREFIX = "sgt_";
    public static final String LEGACY_PREFIX = "sgl_";
    public static final int RANDOM_LENGTH = 30;
    public static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = 4 + RANDOM_LENGTH + CHECKSUM_LENGTH;

    /** Published for secret scanners; also in the README. */
    public static final Pattern PATTERN = Pattern.compile("\\bsg[tl]_[0-9A-Za-z]{36}\\b");

    /** Which kind of credential a secret belongs to; the prefix tells a reader at a glance. */
    public enum Kind {
        SCOPED(SCOPED_PREFIX),
        LEGACY(LEGACY_PREFIX);

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final SecureRandom random;

    public CredentialFormat(SecureRandom random) {
        this.random = random;
    }

    public Secret generate(Kind kind) {
        StringBuilder body = new StringBuilder(LENGTH).append(kind.prefix());
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            body.append(Base62.ALPHABET.charAt(random.nextInt(62)));
        }
        return new Secret(body.append(checksum(body)).toString());
    }

    /** Prefix, length, alphabet and checksum; no allocation beyond the CRC state, no lookup. */
    public static boolean isWellFormed(CharSequence candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return false;
        }
        if (!startsWith(candidate, SCOPED_PREFIX) && !startsWith(candidate, LEGACY_PREFIX)) {
            return false;
        }
        for (int i = 4; i < LENGTH; i++) {
            if (!Base62.isDigit(candidate.charAt(i))) {
                return false;
            }
        }
        String expected = checksum(candidate.subSequence(0, LENGTH - CHECKSUM_LENGTH));
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            if (expected.charAt(i) != candidate.charAt(LENGTH - CHECKSUM_LENGTH + i)) {
                return false;
            }
        }
        return true;
    }

    static String checksum(CharSequence prefixAndRandom) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < prefixAndRandom.length(); i++) {
            // Every character of the format is ASCII, so one byte per character is exact.
            crc.update(prefixAndRandom.charAt(i));
        }
        return Base62.encode(crc.getValue(), CHECKSUM_LENGTH);
    }

    private static boolean startsWith(CharSequence s, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
