package io.scopegate.admin.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.catalog.*}.
 *
 * @param allowPrivateUpstreams let APIs point at loopback and private addresses. Off by default: the
 *                              gateways call upstreams on their public port's behalf, so an upstream at
 *                              127.0.0.1:8091 would publish a management port. Turn it on where partner
 *                              APIs live on a private network (run.sh does, for its demo API).
 *                              Link-local and cloud metadata addresses are refused either way.
 */
@ConfigurationProperties("scopegate.catalog")
public record CatalogProperties(@DefaultValue("false") boolean allowPrivateUpstreams) {

    static final String ALLOW_PRIVATE = "scopegate.catalog.allow-private-upstreams";
}
