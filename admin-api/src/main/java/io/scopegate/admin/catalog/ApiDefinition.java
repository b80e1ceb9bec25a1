package io.scopegate.admin.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** One upstream API the gateway fronts, as the catalog lists it. */
public record ApiDefinition(
        String id,
        String name,
        List<String> paths,
        List<String> methods,

        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "where the gateways send its requests; shown to operators only")
        String upstreamUrl,

        int latestVersion,
        @Schema(description = SaveApi.WEBSOCKET_DESCRIPTION) boolean websocket,

        @Schema(description = SaveApi.MUTUAL_TLS_DESCRIPTION)
        boolean mutualTls,

        Instant createdAt,
        Instant updatedAt) {

    /** As shown to account users. */
    ApiDefinition withoutUpstream() {
        return new ApiDefinition(
                id, name, paths, methods, null, latestVersion, websocket, mutualTls, createdAt, updatedAt);
    }
}
