package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.store.scope.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A token form as typed in the console, kept as text so a refused form comes back exactly as it was
 * sent, and turned into the same JSON body the REST API takes, so both follow one set of rules.
 *
 * @param quotaPerDay   requests per day as typed, empty for no daily quota
 * @param quotaPerMonth requests per month as typed, empty for no monthly quota
 * @param scopes        ticked {@code api:METHOD} boxes
 */
record TokenForm(
        String name,
        String description,
        String primaryContact,
        String developerEmails,
        String apiVersion,
        String quotaPerDay,
        String quotaPerMonth,
        String clientCertificateSubject,
        Set<String> scopes) {

    static final TokenForm EMPTY = new TokenForm("", "", "", "", "", "", "", "", Set.of());

    /** The REST API's names of the quota's parts, and the form inputs that show their messages. */
    private static final Map<String, String> QUOTA_INPUTS =
            Map.of("quota.perDay", "quotaPerDay", "quota.perMonth", "quotaPerMonth");

    static TokenForm of(TokenRecord token) {
        Set<String> ticked = new LinkedHashSet<>();
        token.scopes().forEach(scope -> scope.methods().forEach(method -> ticked.add(scope.api() + ":" + method)));
        return new TokenForm(
                token.name(),
                token.description() == null ? "" : token.description(),
                token.primaryContact() == null ? "" : token.primaryContact(),
                String.join(", ", token.developerEmails()),
                Integer.toString(token.apiVersion()),
                token.quota() == null || token.quota().perDay() == null
                        ? ""
                        : token.quota().perDay().toString(),
                token.quota() == null || token.quota().perMonth() == null
                        ? ""
                        : token.quota().perMonth().toString(),
                token.clientCertificateSubject() == null ? "" : token.clientCertificateSubject(),
                ticked);
    }

    /**
     * The form as posted. Only ticked method boxes grant anything: the per-API switch is a
     * convenience of the page's script and is not sent, so no form can grant more than it shows.
     */
    static TokenForm read(MultiValueMap<String, String> form) {
        return new TokenForm(
                text(form, "name"),
                text(form, "description"),
                text(form, "primaryContact"),
                text(form, "developerEmails"),
                text(form, "apiVersion"),
                text(form, "quotaPerDay"),
                text(form, "quotaPerMonth"),
                text(form, "clientCertificateSubject"),
                new LinkedHashSet<>(form.getOrDefault("scope", List.of())));
    }

    public boolean ticked(String api, String method) {
        return scopes.contains(api + ":" + method);
    }

    public boolean anyTicked(String api) {
        return scopes.stream().anyMatch(value -> value.startsWith(api + ":"));
    }

    /** The create body: every field, empty ones absent. */
    ObjectNode createBody(JsonMapper json) {
        ObjectNode body = settingsBody(json, false);
        if (!apiVersion.isBlank()) {
            body.put("apiVersion", apiVersion.strip());
        }
        body.set("scopes", scopesNode(json));
        return body;
    }

    /** The PATCH body of the Overview tab: its fields, an emptied one cleared. */
    ObjectNode settingsBody(JsonMapper json, boolean clearEmpty) {
        ObjectNode body = json.createObjectNode();
        body.put("name", name);
        optional(body, "description", description, clearEmpty);
        optional(body, "primaryContact", primaryContact.strip(), clearEmpty);
        body.set("developerEmails", json.valueToTree(emails()));
        quota(body, clearEmpty);
        optional(body, "clientCertificateSubject", clientCertificateSubject.strip(), clearEmpty);
        return body;
    }

    /**
     * The quota as the API takes it: typed text goes as it is, so "ten" or "1.5" is refused with the
     * API's message; both boxes empty is no quota.
     */
    private void quota(ObjectNode body, boolean clearEmpty) {
        if (quotaPerDay.isBlank() && quotaPerMonth.isBlank()) {
            if (clearEmpty) {
                body.putNull("quota");
            }
            return;
        }
        ObjectNode quota = body.putObject("quota");
        part(quota, "perDay", quotaPerDay.strip());
        part(quota, "perMonth", quotaPerMonth.strip());
    }

    private static void part(ObjectNode quota, String field, String typed) {
        if (typed.isEmpty()) {
            quota.putNull(field);
        } else if (typed.matches("-?[0-9]{1,18}")) {
            quota.put(field, Long.parseLong(typed));
        } else {
            quota.put(field, typed);
        }
    }

    /**
     * A refusal with the quota's messages moved onto the two inputs that show them (the REST names,
     * {@code quota.perDay}, would fold onto one line for both boxes).
     */
    static ApiProblem onFormInputs(ApiProblem problem) {
        Object errors = problem.getBody().getProperties() == null
                ? null
                : problem.getBody().getProperties().get("errors");
        if (!(errors instanceof List<?> list)
                || list.stream().noneMatch(e -> e instanceof FieldProblem f && QUOTA_INPUTS.containsKey(f.field()))) {
            return problem;
        }
        return ApiProblem.invalid(list.stream()
                .map(FieldProblem.class::cast)
                .map(f -> new FieldProblem(QUOTA_INPUTS.getOrDefault(f.field(), f.field()), f.message()))
                .toList());
    }

    /** The PATCH body of the API Scopes tab. */
    ObjectNode scopesBody(JsonMapper json) {
        ObjectNode body = json.createObjectNode();
        body.set("scopes", scopesNode(json));
        return body;
    }

    private tools.jackson.databind.JsonNode scopesNode(JsonMapper json) {
        Map<String, List<String>> byApi = new LinkedHashMap<>();
        for (String value : scopes) {
            // A value without "api:" still becomes a scope, so validation names it instead of it vanishing.
            int colon = value.lastIndexOf(':');
            String api = colon < 0 ? value : value.substring(0, colon);
            String method = colon < 0 ? "" : value.substring(colon + 1);
            byApi.computeIfAbsent(api, key -> new ArrayList<>()).add(method);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        byApi.forEach((api, methods) -> list.add(Map.of("api", api, "methods", methods)));
        return json.valueToTree(list);
    }

    private List<String> emails() {
        return Arrays.stream(developerEmails.split("[,\\s]+"))
                .filter(address -> !address.isBlank())
                .toList();
    }

    private static void optional(ObjectNode body, String field, String value, boolean clearEmpty) {
        if (!value.isBlank()) {
            body.put(field, value);
        } else if (clearEmpty) {
            body.putNull(field);
        }
    }

    private static String text(MultiValueMap<String, String> form, String field) {
        String value = form.getFirst(field);
        return value == null ? "" : value;
    }

    /** The scopes as the page lists them: {@code campaigns: GET, POST}. */
    static String describe(List<Scope> scopes) {
        return String.join(
                "; ",
                scopes.stream()
                        .map(scope -> scope.api() + ": " + String.join(", ", scope.methods()))
                        .toList());
    }
}
