package io.scopegate.admin.console;

import java.util.Map;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Renders one page at start-up, on the starting thread. Thymeleaf sets itself up lazily on the first
 * page it renders (its JavaScript serializer scans the classpath for Jackson modules, reading jars);
 * done here, no page request ever does that blocking work on the event loop.
 */
@Component
class TemplateWarmUp implements SmartInitializingSingleton {

    private final ITemplateEngine templates;

    TemplateWarmUp(ITemplateEngine templates) {
        this.templates = templates;
    }

    @Override
    public void afterSingletonsInstantiated() {
        templates.process(
                "error",
                new Context(
                        null,
                        Map.of("status", 503, "title", "Starting", "detail", "The console is starting.", "path", "")));
    }
}
