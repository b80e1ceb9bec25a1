package io.scopegate.admin.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.thymeleaf.IEngineConfiguration;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresolver.ITemplateResolver;
import org.thymeleaf.templateresource.ClassLoaderTemplateResource;
import org.thymeleaf.templateresource.ITemplateResource;
import org.thymeleaf.templateresource.StringTemplateResource;

/**
 * The console's templates, read once at start-up into memory. Thymeleaf would otherwise read a
 * template file the first time a page needs it, on the event loop that renders the page: a blocking
 * read (BlockHound refuses it in the system tests, and under load it stalls every request on that
 * loop). Replaces Spring Boot's {@code defaultTemplateResolver}.
 */
@Configuration(proxyBeanMethods = false)
class PreloadedTemplates {

    static final String LOCATION = "console/templates/";
    static final String SUFFIX = ".html";

    @Bean
    ITemplateResolver defaultTemplateResolver() {
        Map<String, String> templates = new HashMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:" + LOCATION + "**/*" + SUFFIX)) {
                String path = resource.getURL().toString();
                templates.put(
                        path.substring(path.lastIndexOf(LOCATION)),
                        resource.getContentAsString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's templates", e);
        }
        AbstractConfigurableTemplateResolver resolver = new AbstractConfigurableTemplateResolver() {
            @Override
            protected ITemplateResource computeTemplateResource(
                    IEngineConfiguration configuration,
                    String ownerTemplate,
                    String template,
                    String resourceName,
                    String characterEncoding,
                    Map<String, Object> templateResolutionAttributes) {
                String content = templates.get(resourceName);
                // An unknown name fails as Thymeleaf reports a missing template.
                return content != null
                        ? new StringTemplateResource(content)
                        : new ClassLoaderTemplateResource(resourceName, characterEncoding);
            }
        };
        resolver.setPrefix(LOCATION);
        resolver.setSuffix(SUFFIX);
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resolver.setCacheable(true);
        resolver.setCheckExistence(true);
        return resolver;
    }
}
