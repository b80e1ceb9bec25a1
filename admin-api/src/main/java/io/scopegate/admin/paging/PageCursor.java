package io.scopegate.admin.paging;

import io.scopegate.admin.error.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The opaque {@code next} cursor of a paged list: where the last page ended (a keyset position, so
 * rows inserted meanwhile neither repeat nor push rows off a page) and a fingerprint of the listing it
 * belongs to (path and filters), so a cursor replayed with other filters is a 400, never a silently
 * different listing. Not signed: an edited position only selects another page of what the caller may
 * list anyway; it is checked only to be well-formed and in range. An empty cursor is the first page.
 */
public final class PageCursor {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final char SEPARATOR = '\n';
    private static final int MAX_LENGTH = 512;

    private PageCursor() {}

    /**
     * @param listing  names the listing: its path and every filter value, in a fixed order
     * @param position where the page ended; values without line breaks
     */
    public static String encode(String listing, List<String> position) {
        StringBuilder text = new StringBuilder(fingerprint(listing));
        position.forEach(value -> text.append(SEPARATOR).append(value));
        return ENCODER.encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position a cursor holds, or null when there is none (the first page).
     *
     * @param fields how many position values the listing's cursors hold
     * @throws ApiProblem 400 on {@code cursor} when it is malformed or belongs to another listing
     */
    public static List<String> decode(String cursor, String listing, int fields) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        List<String> parts = parts(cursor);
        if (parts == null || parts.size() != fields + 1) {
            throw malformed();
        }
        if (!parts.get(0).equals(fingerprint(listing))) {
            throw ApiProblem.invalid(
                    "cursor", "was issued for other filters; pass the same filters as on the first page");
        }
        return parts.subList(1, parts.size());
    }

    /** The earliest and latest instants PostgreSQL stores (and date arithmetic on them stays valid). */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /**
     * A position value written from an {@link Instant}; a tampered one (not an instant, or one
     * outside what the store holds) is a 400, not a 500.
     */
    public static Instant instant(String value) {
        try {
            Instant instant = Instant.parse(value);
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw malformed();
            }
            return instant;
        } catch (DateTimeParseException tampered) {
            throw malformed();
        }
    }

    /** A position value written from a {@code long}; a tampered one is a 400, not a 500. */
    public static long number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tampered) {
            throw malformed();
        }
    }

    private static ApiProblem malformed() {
        return ApiProblem.invalid("cursor", "is not a cursor this list issued; start again without one");
    }

    private static List<String> parts(String cursor) {
        if (cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
            return null;
        }
        try {
            String text = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
            return new ArrayList<>(Arrays.asList(text.split(String.valueOf(SEPARATOR), -1)));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static String fingerprint(String listing) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(listing.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is part of every JRE", impossible);
        }
    }
}
