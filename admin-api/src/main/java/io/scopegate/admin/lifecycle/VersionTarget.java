package io.scopegate.admin.lifecycle;

import io.scopegate.admin.error.ApiProblem;

/** Where an {@code upgrade-version} moves a token: up only, and not past what the catalog serves. */
public final class VersionTarget {

    private VersionTarget() {}

    /**
     * @param requested the version asked for, or null for the latest
     * @return the version to move to; the current one again means nothing changes
     */
    public static int of(int current, Integer requested, int latest) {
        if (requested == null) {
            return Math.max(current, latest);
        }
        if (requested > latest) {
            throw ApiProblem.invalid("version", "must be at most the latest API version, " + latest);
        }
        if (requested < current) {
            throw ApiProblem.conflict(
                    "Downgrade refused", "The token is on API version " + current + "; versions only move up");
        }
        return requested;
    }
}
