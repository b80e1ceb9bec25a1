package io.scopegate.admin.console;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** The console's stylesheet and script, from this jar only (no CDN: the page's CSP allows 'self'). */
@Configuration(proxyBeanMethods = false)
class ConsoleAssets implements WebFluxConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/assets/**")
                .addResourceLocations("classpath:/console/assets/")
                .setCacheControl(CacheControl.maxAge(Duration.ofHours(1)));
    }
}
