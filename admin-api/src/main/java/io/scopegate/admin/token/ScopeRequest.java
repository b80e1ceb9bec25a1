package io.scopegate.admin.token;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/** A scope as a client sends it: {@code {"api":"campaigns","methods":["GET"]}}. */
record ScopeRequest(
        @NotBlank @Size(max = 64) String api,
        @NotEmpty @Size(max = 10) List<@NotBlank String> methods) {}
