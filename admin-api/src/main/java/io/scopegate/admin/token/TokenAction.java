package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;

/** An action of the token's More menu, with what its confirmation says. */
enum TokenAction {
    DISABLE(
            "disable",
            "Disable",
            "Gateways refuse it within a second (403 Access Denied) until it is enabled again.",
            false),
    ENABLE(
            "enable",
            "Enable",
            "Gateways accept it again within a second, within the account's active-token limit.",
            false),
    DUPLICATE(
            "duplicate",
            "Duplicate",
            "A new token with the same scopes and settings, and its own SID and secret.",
            false),
    RESET(
            "reset",
            "Reset",
            "A new auth token; the current one stops passing (at once, or after the grace period you choose). Update every integration that uses it.",
            true),
    UPGRADE_VERSION(
            "upgrade-version",
            "Upgrade version",
            "The token moves to the latest API version. Integrations must be ready for it.",
            false),
    DELETE(
            "delete",
            "Delete",
            "The token and its scopes are removed for good; integrations using it are refused. This cannot be undone.",
            true);

    private final String path;
    private final String label;
    private final String consequence;
    private final boolean dangerous;

    TokenAction(String path, String label, String consequence, boolean dangerous) {
        this.path = path;
        this.label = label;
        this.consequence = consequence;
        this.dangerous = dangerous;
    }

    static TokenAction named(String path) {
        for (TokenAction action : values()) {
            if (action.path.equals(path)) {
                return action;
            }
        }
        throw ApiProblem.notFound("No token action '" + path + "'");
    }

    public String path() {
        return path;
    }

    public String label() {
        return label;
    }

    public String consequence() {
        return consequence;
    }

    public boolean dangerous() {
        return dangerous;
    }
}
