package io.scopegate.admin.console;

/**
 * A confirmation step before a change that is hard to undo: what it does and to what, where it
 * posts, and the options it takes (a reset's grace period, a duplicate's name, reset-on-enable).
 *
 * @param name a name field's initial value, or null for none
 */
public record Confirmation(
        String title,
        String subject,
        String consequence,
        String button,
        boolean dangerous,
        String actionUrl,
        String cancelUrl,
        boolean grace,
        String name,
        boolean resetOption) {

    public static final String VIEW = "confirm";

    public static Confirmation of(
            String title,
            String subject,
            String consequence,
            String button,
            boolean dangerous,
            String actionUrl,
            String cancelUrl) {
        return new Confirmation(
                title, subject, consequence, button, dangerous, actionUrl, cancelUrl, false, null, false);
    }

    public Confirmation withGrace() {
        return new Confirmation(
                title, subject, consequence, button, dangerous, actionUrl, cancelUrl, true, name, resetOption);
    }

    public Confirmation withName(String initial) {
        return new Confirmation(
                title, subject, consequence, button, dangerous, actionUrl, cancelUrl, grace, initial, resetOption);
    }

    public Confirmation withResetOption() {
        return new Confirmation(
                title, subject, consequence, button, dangerous, actionUrl, cancelUrl, grace, name, true);
    }
}
