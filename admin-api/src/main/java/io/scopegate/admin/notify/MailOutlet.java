package io.scopegate.admin.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 * What the two ways of mailing notifications share ({@link EmailNotifier} one by one,
 * {@link DigestMailer} once a day): the notifications not mailed yet, who each one concerns, sending
 * through {@code spring.mail.*} off the event loop (JavaMail blocks) within a bound, and marking them
 * mailed. Mail is on while {@code spring.mail.host} is set.
 */
@Component
class MailOutlet {

    /** A notification waiting to be mailed. */
    record Pending(long id, String accountSid, String type, JsonNode data, Instant createdAt) {}

    /** One message: never a secret in it. */
    record Mail(List<String> to, String subject, String text, String html) {}

    private final DatabaseClient db;
    private final ObjectProvider<JavaMailSender> mail;
    private final NotificationProperties settings;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry registry;

    MailOutlet(
            DatabaseClient db,
            ObjectProvider<JavaMailSender> mail,
            NotificationProperties settings,
            JsonMapper json,
            Clock clock,
            MeterRegistry registry) {
        this.db = db;
        this.mail = mail;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
    }

    boolean on() {
        return mail.getIfAvailable() != null;
    }

    /**
     * Unmailed notifications created in {@code [from, to)} of accounts whose {@code email_delivery} is
     * {@code delivery}, oldest first, at most {@code limit}.
     */
    Flux<Pending> unmailed(String delivery, Instant from, Instant to, int limit) {
        return select("a.email_delivery = :delivery", from, to, limit)
                .bind("delivery", delivery)
                .map(this::pending)
                .all();
    }

    private DatabaseClient.GenericExecuteSpec select(String condition, Instant from, Instant to, int limit) {
        return db.sql("""
                        select o.id, o.account_sid, o.type, o.created_at,
                               -- A change's notification names the token by SID; people know it by its name.
                               case when o.data ? 'name' then o.data
                                    else o.data || jsonb_strip_nulls(jsonb_build_object('name', t.name)) end as data
                        from notification_outbox o join accounts a on a.sid = o.account_sid
                             left join tokens t on t.sid = o.data->>'tokenSid' and t.account_sid = o.account_sid
                        where o.emailed_at is null and o.type <> 'webhook.test'
                          and o.created_at >= :from and o.created_at < :to and %s
                        order by o.id limit :limit
                        """.formatted(condition))
                .bind("from", from)
                .bind("to", to)
                .bind("limit", limit);
    }

    private Pending pending(io.r2dbc.spi.Readable row) {
        return new Pending(
                row.get("id", Long.class),
                row.get("account_sid", String.class),
                row.get("type", String.class),
                json.readTree(row.get("data", Json.class).asString()),
                row.get("created_at", Instant.class));
    }

    /** One account's unmailed notifications created in {@code [from, to)}, oldest first. */
    Flux<Pending> unmailedOf(String accountSid, Instant from, Instant to, int limit) {
        return select("o.account_sid = :account", from, to, limit)
                .bind("account", accountSid)
                .map(this::pending)
                .all();
    }

    /**
     * Who a notification concerns: its token's primary contact and developer emails; for a legacy
     * token (or a deleted one) the account's technical contact.
     */
    Mono<List<String>> recipients(Pending notification) {
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
        return tokenContacts.filter(to -> !to.isEmpty()).switchIfEmpty(technicalContact(notification.accountSid()));
    }

    Mono<List<String>> technicalContact(String accountSid) {
        return db.sql("select technical_contact from accounts where sid = :account")
                .bind("account", accountSid)
                .map(row -> row.get(0, String.class) == null ? List.<String>of() : List.of(row.get(0, String.class)))
                .one()
                .defaultIfEmpty(List.of());
    }

    /** Where the console shows a notification's token (or, for a legacy token, the account's). */
    String consoleLink(Pending notification) {
        String account = settings.consoleUrl() + "/console/accounts/" + notification.accountSid();
        return notification.type().startsWith("legacy_token.")
                ? account + "/legacy-tokens"
                : account + "/tokens/" + notification.data().path("tokenSid").asString("");
    }

    Mono<Void> send(Mail message) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            return Mono.error(new IllegalStateException("mail is not configured (spring.mail.host)"));
        }
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

    Mono<Void> markMailed(Collection<Long> ids) {
        return db.sql("update notification_outbox set emailed_at = :now where id = any(:ids)")
                .bind("now", clock.instant())
                .bind("ids", ids.toArray(Long[]::new))
                .then();
    }

    void count(String type, boolean sent) {
        NotificationMetrics.attempted(registry, "email", type, sent);
    }
}
