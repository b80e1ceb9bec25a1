package io.scopegate.admin.credential;

import io.scopegate.store.credential.Secret;

/** A new secret with what the store keeps of it: the keyed hash and, if retrievable, the ciphertext. */
public record IssuedSecret(Secret secret, byte[] hash, byte[] ciphertext) {

    @Override
    public String toString() {
        return "IssuedSecret[redacted]";
    }
}
