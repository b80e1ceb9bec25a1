package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.AdaptCachedBodyGlobalFilter;
import org.springframework.cloud.gateway.filter.ForwardPathFilter;
import org.springframework.cloud.gateway.filter.ForwardRoutingFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.RemoveCachedBodyFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.WeightCalculatorWebFilter;
import org.springframework.web.server.WebFilter;

/**
 * What a running gateway leaves out of every request's path (issue 17, part 2; the cost of each is in
 * bench/RESULTS.md): Spring Cloud Gateway's filters for features no catalog route has, turned off by
 * SCG's own properties in gateway.yaml, and its stock URL and routing filters, replaced by Scopegate's.
 */
class RequestPathFiltersTest extends SystemTest {

    @Test
    void noFilterForAFeatureNoCatalogRouteHas() {
        var context = gatewayA.context();

        assertThat(context.getBeansOfType(WebFilter.class).values())
                .noneMatch(filter -> filter instanceof WeightCalculatorWebFilter);
        List<Class<?>> globalFilters = context.getBeansOfType(GlobalFilter.class).values().stream()
                .<Class<?>>map(Object::getClass)
                .toList();
        assertThat(globalFilters)
                .doesNotContain(
                        AdaptCachedBodyGlobalFilter.class,
                        RemoveCachedBodyFilter.class,
                        ForwardRoutingFilter.class,
                        ForwardPathFilter.class,
                        RouteToRequestUrlFilter.class,
                        NettyRoutingFilter.class)
                .anyMatch(type -> type.getSimpleName().equals("UpstreamRoutingFilter"))
                .anyMatch(type -> type.getSimpleName().equals("UpstreamUrlFilter"));
    }
}
