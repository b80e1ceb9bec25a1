package io.scopegate.admin.legacy;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code kind} path segment of a legacy token ({@code read-write} or {@code read-only}),
 * documented once; read it with {@link LegacyQueries#kindNamed}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Parameter(name = "kind", schema = @Schema(allowableValues = {"read-write", "read-only"}))
public @interface LegacyKindParameter {}
