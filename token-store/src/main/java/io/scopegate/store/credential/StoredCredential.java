package io.scopegate.store.credential;

import java.time.Instant;

/**
 * What the store knows about one credential's secret: the keyed hash of the current secret and,
 * during a reset's grace period, of the previous one with the instant it stops passing.
 */
public record StoredCredential(byte[] hash, byte[] previousHash, Instant previousValidUntil) {

    public static StoredCredential of(byte[] hash) {
        return new StoredCredential(hash, null, null);
    }

    /**
     * True when the presented secret is the current one, or the previous one still inside its grace
     * period. The hash is computed once and both comparisons always run, so timing does not reveal
     * which one matched.
     */
    public boolean accepts(KeyedHasher hasher, CharSequence presented, Instant now) {
        byte[] candidate = hasher.hash(presented);
        boolean current = java.security.MessageDigest.isEqual(candidate, hash);
        boolean previous = previousHash != null
                && java.security.MessageDigest.isEqual(candidate, previousHash)
                && previousValidUntil != null
                && now.isBefore(previousValidUntil);
        return current | previous;
    }

    @Override
    public String toString() {
        return "StoredCredential[hash=redacted, previousValidUntil=" + previousValidUntil + "]";
    }
}
