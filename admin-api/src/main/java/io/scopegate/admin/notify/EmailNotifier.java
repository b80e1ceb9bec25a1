package io.scopegate.admin.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mails each notification to the people it concerns, on the elected replica: a token's primary
 * contact and developer emails; for a legacy token, the account's technical contact. One message per
 * event, plain text and HTML, saying what happened, what to do and where in the console; never a
 * secret. Sent through {@code spring.mail.*} (off while {@code spring.mail.host} is unset), off the
 * event loop (JavaMail blocks), bounded by the SMTP timeouts; a notification is marked mailed once
 * sent, so a failure is retried at the next run (at least once, as webhooks).
 */
@Component
class EmailNotifier extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(EmailNotifier.class);
    private static final int BATCH = 50;

    /** Notifications older than this are not mailed (mail was off, or failing, when they happened). */
    static final Duration MAX_AGE = Duration.ofDays(1);

    private record Pending(long id, String accountSid, String type, JsonNode data) {}

    private record Mail(List<String> to, String subject, String text, String html) {}

    private final DatabaseClient db;
    private final ObjectProvider<JavaMailSender> mail;
    private final StoreLeader leader;
    private final NotificationProperties settings;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry registry;

    EmailNotifier(
            DatabaseClient db,
            ObjectProvider<JavaMailSender> mail,
            StoreLeader leader,
            NotificationProperties settings,
            JsonMapper json,
            Clock clock,
            MeterRegistry registry) {
        this.db = db;
        this.mail = mail;
        this.leader = leader;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    protected Flux<?> triggers() {
        return mail.getIfAvailable() == null ? Flux.never() : Flux.interval(Duration.ofSeconds(1));
    }

    @Override
    protected Mono<Void> runOnce() {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null || !leader.isLeader()) {
            return Mono.empty();
        }
        return pending()
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(notification -> recipients(notification)
                        .flatMap(to -> to.isEmpty()
                                ? Mono.empty()
                                : send(sender, compose(notification, to))
                                        .doOnSuccess(sent -> count(notification, true)))
                        .then(markMailed(notification.id()))
                        .onErrorResume(error -> {
                            count(notification, false);
                            log.warn("notification {} not mailed, will retry: {}", notification.id(), error.toString());
                            return Mono.empty();
                        }))
                .then()
                .timeout(Duration.ofMinutes(2));
    }

    private Flux<Pending> pending() {
        return db.sql("""
                select id, account_sid, type, data from notification_outbox
                where emailed_at is null and type <> 'webhook.test' and created_at > :since
                order by id limit :batch
                """)
                .bind("batch", BATCH)
                // Only news: when mail is turned on, what happened before is not mailed all at once.
                .bind("since", clock.instant().minus(MAX_AGE))
                .map(row -> new Pending(
                        row.get("id", Long.class),
                        row.get("account_sid", String.class),
                        row.get("type", String.class),
                        json.readTree(row.get("data", Json.class).asString())))
                .all();
    }

    /** A token's contacts; a legacy token's (or a deleted token's) account technical contact. */
    private Mono<List<String>> recipients(Pending notification) {
        String tokenSid = notification.data().path("tokenSid").asString("");
        Mono<List<String>> tokenContacts = db.sql("""
                select primary_contact, developer_emails from tokens where sid = :sid and account_sid = :account
                """)
                .bind("sid", tokenSid)
                .bind("account", notification.accountSid())
                .map(row -> {
                    Set<String> to = new LinkedHashSet<>();
                    if (row.get("primary_contact", String.class) != null) {
                        to.add(row.get("primary_contact", String.class));
                    }
                    String[] developers = row.get("developer_emails", String[].class);
                    if (developers != null) {
                        to.addAll(List.of(developers));
                    }
                    return (List<String>) new ArrayList<>(to);
                })
                .one();
        Mono<List<String>> accountContact = db.sql("select technical_contact from accounts where sid = :account")
                .bind("account", notification.accountSid())
                .map(row -> row.get(0, String.class) == null ? List.<String>of() : List.of(row.get(0, String.class)))
                .one()
                .defaultIfEmpty(List.of());
        return tokenContacts.filter(to -> !to.isEmpty()).switchIfEmpty(accountContact);
    }

    private Mail compose(Pending notification, List<String> to) {
        JsonNode data = notification.data();
        String token = data.path("name").asString(data.path("tokenSid").asString(""));
        String sid = data.path("tokenSid").asString("");
        String what = Wording.what(notification.type(), data);
        String todo = Wording.todo(notification.type());
        String link = settings.consoleUrl() + "/console/accounts/" + notification.accountSid() + "/tokens/" + sid;
        String subject = "[Scopegate] " + what + ": " + token;
        String text = what + "\n\nToken: " + token + " (" + sid + ")\nAccount: " + notification.accountSid()
                + "\n\nWhat to do: " + todo + "\n\nIn the console: " + link
                + "\n\nYou receive this as a contact of the token. Scopegate never sends secrets by email.\n";
        String html = "<p><strong>" + escape(what) + "</strong></p><p>Token: " + escape(token) + " (<code>"
                + escape(sid) + "</code>)<br>Account: " + escape(notification.accountSid()) + "</p><p>What to do: "
                + escape(todo) + "</p><p><a href=\"" + escape(link) + "\">Open it in the console</a></p>"
                + "<p style=\"color:#666\">You receive this as a contact of the token. Scopegate never sends"
                + " secrets by email.</p>";
        return new Mail(to, subject, text, html);
    }

    private Mono<Void> send(JavaMailSender sender, Mail message) {
        return Mono.fromRunnable(() -> {
                    MimeMessage mime = sender.createMimeMessage();
                    try {
                        MimeMessageHelper helper = new MimeMessageHelper(mime, true, StandardCharsets.UTF_8.name());
                        helper.setFrom(settings.emailFrom());
                        helper.setTo(message.to().toArray(String[]::new));
                        helper.setSubject(message.subject());
                        helper.setText(message.text(), message.html());
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException("cannot compose a notification email", e);
                    }
                    sender.send(mime);
                })
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(Duration.ofSeconds(30))
                .then();
    }

    private Mono<Void> markMailed(long id) {
        return db.sql("update notification_outbox set emailed_at = :now where id = :id")
                .bind("now", clock.instant())
                .bind("id", id)
                .then();
    }

    private void count(Pending notification, boolean sent) {
        NotificationMetrics.attempted(registry, "email", notification.type(), sent);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
