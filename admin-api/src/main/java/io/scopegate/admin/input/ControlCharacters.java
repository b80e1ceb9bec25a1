package io.scopegate.admin.input;

/**
 * Text a client may send: no C0 control characters (U+0000–U+001F) but tab, line feed and carriage
 * return, and no DEL. PostgreSQL refuses U+0000 outright (which surfaced as a 500), and the others
 * only ever make names, logs and audit records lie about what they say.
 */
public final class ControlCharacters {

    private ControlCharacters() {}

    public static boolean present(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    public static final String MESSAGE = "must not contain control characters";

    /** The text with every control character shown as {@code ?}: safe to echo in a message or a log. */
    public static String printable(String text) {
        return text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    }
}
