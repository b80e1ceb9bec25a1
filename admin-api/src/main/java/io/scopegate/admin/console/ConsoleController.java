package io.scopegate.admin.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Controller;

/**
 * A controller of the console's HTML pages. Each feature package keeps its pages beside its REST
 * controller and calls the same service; this marker gives them the console's model and error
 * pages ({@link ConsoleAdvice}) instead of the REST API's problem+json.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Controller
public @interface ConsoleController {}
