package io.scopegate.admin.catalog;

import java.time.Instant;
import java.util.List;

/** One upstream API the gateway fronts, as the catalog lists it. */
public record ApiDefinition(
        String id,
        String name,
        List<String> paths,
        List<String> methods,
        String upstreamUrl,
        int latestVersion,
        Instant createdAt,
        Instant updatedAt) {}
