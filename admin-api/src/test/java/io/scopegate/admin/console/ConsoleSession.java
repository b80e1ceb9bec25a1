package io.scopegate.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * A console user as a browser without JavaScript would be: a session cookie, the CSRF token read
 * from the last page, forms posted as application/x-www-form-urlencoded.
 */
public final class ConsoleSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final WebTestClient web;
    /** The cookies the console set: its session, and the CSRF token's until sign-in. */
    private final java.util.Map<String, String> cookies = new java.util.HashMap<>();

    private String csrf;
    private ResponseCookie lastCookie;

    private ConsoleSession(WebTestClient web) {
        this.web = web;
    }

    public static ConsoleSession signIn(WebTestClient web, String username, String password) {
        ConsoleSession session = new ConsoleSession(web);
        session.get("/console/sign-in");
        EntityExchangeResult<String> result =
                session.post("/console/sign-in", form("username", username, "password", password));
        assertThat(result.getStatus()).isEqualTo(HttpStatus.FOUND);
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/console");
        return session;
    }

    /** A wrong password: back to the sign-in page with an error, and no session. */
    static ConsoleSession signInExpectingFailure(WebTestClient web, String username, String password) {
        ConsoleSession session = new ConsoleSession(web);
        session.get("/console/sign-in");
        EntityExchangeResult<String> result =
                session.post("/console/sign-in", form("username", username, "password", password));
        assertThat(result.getStatus()).isEqualTo(HttpStatus.FOUND);
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/console/sign-in?error=1");
        assertThat(session.get("/console").getStatus()).isEqualTo(HttpStatus.FOUND);
        return session;
    }

    /** Signs in and says where the console sent the browser (e.g. back to sign-in, and why). */
    public static String signInRedirect(WebTestClient web, String username, String password) {
        ConsoleSession session = new ConsoleSession(web);
        session.get("/console/sign-in");
        EntityExchangeResult<String> result =
                session.post("/console/sign-in", form("username", username, "password", password));
        assertThat(result.getStatus()).isEqualTo(HttpStatus.FOUND);
        return String.valueOf(result.getResponseHeaders().getLocation());
    }

    ResponseCookie lastCookie() {
        return lastCookie;
    }

    public static MultiValueMap<String, String> form(String... pairs) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.add(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    public EntityExchangeResult<String> get(String path) {
        // As a browser asks for a page: HTML first.
        WebTestClient.RequestHeadersSpec<?> request =
                web.get().uri(path).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        for (java.util.Map.Entry<String, String> cookie : cookies.entrySet()) {
            request = request.cookie(cookie.getKey(), cookie.getValue());
        }
        return remember(request.exchange().expectBody(String.class).returnResult());
    }

    /** Posts the form with the CSRF token of the last page read. */
    public EntityExchangeResult<String> post(String path, MultiValueMap<String, String> form) {
        MultiValueMap<String, String> withToken = new LinkedMultiValueMap<>(form);
        if (csrf != null) {
            withToken.add("_csrf", csrf);
        }
        return postRaw(path, withToken);
    }

    EntityExchangeResult<String> postRaw(String path, MultiValueMap<String, String> form) {
        WebTestClient.RequestBodySpec request = web.post().uri(path).contentType(MediaType.APPLICATION_FORM_URLENCODED);
        for (java.util.Map.Entry<String, String> cookie : cookies.entrySet()) {
            request = request.cookie(cookie.getKey(), cookie.getValue());
        }
        return remember(request.body(BodyInserters.fromFormData(form))
                .exchange()
                .expectBody(String.class)
                .returnResult());
    }

    private EntityExchangeResult<String> remember(EntityExchangeResult<String> result) {
        result.getResponseCookies().forEach((name, values) -> {
            ResponseCookie set = values.get(values.size() - 1);
            if ("SCOPEGATE_CONSOLE".equals(name)) {
                lastCookie = set;
            }
            if (set.getValue().isEmpty() || set.getMaxAge().isZero()) {
                cookies.remove(name);
            } else {
                cookies.put(name, set.getValue());
            }
        });
        if (result.getResponseBody() != null) {
            Matcher token = CSRF.matcher(result.getResponseBody());
            if (token.find()) {
                csrf = token.group(1);
            }
        }
        return result;
    }
}
