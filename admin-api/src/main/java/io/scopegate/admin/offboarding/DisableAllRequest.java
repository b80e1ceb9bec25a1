package io.scopegate.admin.offboarding;

import io.scopegate.admin.error.FieldProblem;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * What a disable-all is to disable, said explicitly: {@code {"all": true}} (every enabled token of the
 * account, legacy ones too) or {@code {"sids": [...]}} (only these scoped tokens). Nothing else is
 * read as "all": a script whose list of leaked SIDs came out empty or undefined ({@code {}},
 * {@code {"sids": null}}, no body) gets a 400, not an offboarding.
 */
@Schema(description = "Either `all: true` or `sids`, not both")
record DisableAllRequest(
        @Schema(description = "Disable every enabled token of the account, legacy tokens too")
        Boolean all,

        @ArraySchema(
                schema = @Schema(description = "A scoped token's SID"),
                maxItems = DisableAllRequest.MAX_SIDS,
                minItems = 1)
        List<String> sids) {

    /** Most SIDs one call may name: a page of the console's list is 100, an account's active tokens 20. */
    static final int MAX_SIDS = 1000;

    static DisableAllRequest everything() {
        return new DisableAllRequest(true, null);
    }

    boolean everyToken() {
        return Boolean.TRUE.equals(all);
    }

    /** The first thing wrong with it, or null. */
    static FieldProblem problem(DisableAllRequest request) {
        if (request == null || (!request.everyToken() && request.sids() == null)) {
            return new FieldProblem(
                    "all", "say {\"all\": true} to disable every token, or name the tokens in \"sids\"");
        }
        if (request.everyToken() && request.sids() != null) {
            return new FieldProblem("sids", "give either \"all\": true or \"sids\", not both");
        }
        if (request.everyToken()) {
            return null;
        }
        List<String> sids = request.sids();
        if (sids.isEmpty()) {
            return new FieldProblem("sids", "must name at least one token");
        }
        if (sids.size() > MAX_SIDS) {
            return new FieldProblem("sids", "names " + sids.size() + " tokens; at most " + MAX_SIDS + " per call");
        }
        int blank = sids.indexOf(null);
        return blank < 0 ? null : new FieldProblem("sids[" + blank + "]", "must be a token SID");
    }
}
