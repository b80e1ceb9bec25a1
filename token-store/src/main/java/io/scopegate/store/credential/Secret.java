package io.scopegate.store.credential;

import java.util.Objects;

/** A plaintext auth token on its way to the one response that shows it. Never logged: see toString. */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
