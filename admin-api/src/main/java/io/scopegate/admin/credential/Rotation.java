package io.scopegate.admin.credential;

import java.time.Instant;

/** A reset: the new secret, and the old hash that keeps passing until {@code previousValidUntil} (or not at all). */
public record Rotation(IssuedSecret issued, byte[] previousHash, Instant previousValidUntil) {

    @Override
    public String toString() {
        return "Rotation[secret=redacted, previousValidUntil=" + previousValidUntil + "]";
    }
}
