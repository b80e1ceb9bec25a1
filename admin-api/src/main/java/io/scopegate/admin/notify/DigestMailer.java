package io.scopegate.admin.notify;

import io.scopegate.admin.account.Account;
import io.scopegate.admin.notify.MailOutlet.Mail;
import io.scopegate.admin.notify.MailOutlet.Pending;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The daily digest, for accounts with {@code emailDelivery} {@code DAILY_DIGEST}: shortly after
 * {@code scopegate.notifications.digest-at} (UTC) each recipient gets one message listing the
 * notifications that concern them (their tokens'), and the account's technical contact one listing all
 * of the account's — what happened before that day's digest time, up to two days back should the
 * replica have been away. Each recipient's message is recorded in {@code notification_digests}: sent
 * once, or given up on after {@link #MAX_ATTEMPTS} failures, without holding back or repeating the
 * others'. Once every recipient is done, the notifications are marked mailed.
 */
@Component
class DigestMailer extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(DigestMailer.class);
    /** Listed in one message; beyond, the message says how many more (the console has them all). */
    private static final int MAX_LISTED = 500;

    private static final int MAX_PER_ACCOUNT = 10_000;
    static final int MAX_ATTEMPTS = 5;
    private static final Duration LOOK_BACK = Duration.ofDays(2);
    /** After the digest time, so that changes made just before it have committed. */
    private static final Duration SETTLE = Duration.ofMinutes(1);

    private final MailOutlet mail;
    private final DatabaseClient db;
    private final StoreLeader leader;
    private final NotificationProperties settings;
    private final Clock clock;

    DigestMailer(MailOutlet mail, DatabaseClient db, StoreLeader leader, NotificationProperties settings, Clock clock) {
        this.mail = mail;
        this.db = db;
        this.leader = leader;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return mail.on() ? Flux.interval(settings.reminderInterval()) : Flux.never();
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!mail.on() || !leader.isLeader()) {
            return Mono.empty();
        }
        Instant digestTime = lastDigestTime(clock.instant().minus(SETTLE));
        return db.sql("""
                        select distinct o.account_sid from notification_outbox o join accounts a on a.sid = o.account_sid
                        where o.emailed_at is null and o.type <> 'webhook.test' and a.email_delivery = :delivery
                          and o.created_at >= :from and o.created_at < :to
                        """)
                .bind("delivery", Account.DAILY_DIGEST)
                .bind("from", digestTime.minus(LOOK_BACK))
                .bind("to", digestTime)
                .map(row -> row.get(0, String.class))
                .all()
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(account -> digest(account, digestTime).onErrorResume(error -> {
                    log.warn("daily digest of account {} not mailed, will retry: {}", account, error.toString());
                    return Mono.empty();
                }))
                .then()
                .timeout(Duration.ofMinutes(5));
    }

    /** Today's digest time if it has passed, else yesterday's. */
    Instant lastDigestTime(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant todays = today.atTime(settings.digestAt()).toInstant(ZoneOffset.UTC);
        return now.isBefore(todays) ? todays.minus(Duration.ofDays(1)) : todays;
    }

    private Mono<Void> digest(String accountSid, Instant digestTime) {
        return mail.unmailedOf(accountSid, digestTime.minus(LOOK_BACK), digestTime, MAX_PER_ACCOUNT)
                .collectList()
                .flatMap(notifications -> recipients(accountSid, notifications)
                        .flatMap(byRecipient -> Flux.fromIterable(byRecipient.entrySet())
                                .concatMap(recipient ->
                                        sendOnce(accountSid, digestTime, recipient.getKey(), recipient.getValue()))
                                .all(done -> done)
                                .flatMap(allDone -> allDone
                                        ? mail.markMailed(notifications.stream()
                                                .map(Pending::id)
                                                .toList())
                                        : Mono.empty())));
    }

    /** Each recipient (by lower-case address) and what concerns them; the technical contact gets all. */
    private Mono<Map<String, List<Pending>>> recipients(String accountSid, List<Pending> notifications) {
        return Flux.fromIterable(notifications)
                .concatMap(notification -> mail.recipients(notification).map(to -> Map.entry(notification, to)))
                .collectList()
                .zipWith(mail.technicalContact(accountSid))
                .map(found -> {
                    Map<String, List<Pending>> byRecipient = new LinkedHashMap<>();
                    for (var entry : found.getT1()) {
                        for (String to : entry.getValue()) {
                            byRecipient
                                    .computeIfAbsent(to.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                                    .add(entry.getKey());
                        }
                    }
                    for (String technical : found.getT2()) {
                        byRecipient.put(technical.toLowerCase(Locale.ROOT), notifications); // account-wide
                    }
                    return byRecipient;
                });
    }

    /** Emits true once this recipient's digest is done: sent now or before, or given up on. */
    private Mono<Boolean> sendOnce(String accountSid, Instant digestTime, String to, List<Pending> notifications) {
        return db.sql("""
                        select sent, attempts from notification_digests
                        where account_sid = :account and recipient = :to and digest_at = :at
                        """)
                .bind("account", accountSid)
                .bind("to", to)
                .bind("at", digestTime)
                .map(row -> Boolean.TRUE.equals(row.get("sent", Boolean.class))
                        || row.get("attempts", Integer.class) >= MAX_ATTEMPTS)
                .one()
                .defaultIfEmpty(false)
                .flatMap(done -> done
                        ? Mono.just(true)
                        : mail.send(compose(accountSid, to, notifications))
                                .then(Mono.fromCallable(() -> true))
                                .onErrorResume(error -> {
                                    log.warn(
                                            "daily digest of account {} to one recipient failed: {}",
                                            accountSid,
                                            error.toString());
                                    return Mono.just(false);
                                })
                                .flatMap(sent -> {
                                    notifications.forEach(n -> mail.count(n.type(), sent));
                                    return record(accountSid, digestTime, to, sent);
                                }));
    }

    private Mono<Boolean> record(String accountSid, Instant digestTime, String to, boolean sent) {
        return db.sql("""
                        insert into notification_digests (account_sid, recipient, digest_at, sent, attempts, updated_at)
                        values (:account, :to, :at, :sent, 1, :now)
                        on conflict (account_sid, recipient, digest_at) do update
                           set sent = excluded.sent, attempts = notification_digests.attempts + 1, updated_at = :now
                        returning sent or attempts >= :max
                        """)
                .bind("account", accountSid)
                .bind("to", to)
                .bind("at", digestTime)
                .bind("sent", sent)
                .bind("now", clock.instant())
                .bind("max", MAX_ATTEMPTS)
                .map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
                .one();
    }

    private Mail compose(String accountSid, String to, List<Pending> all) {
        List<Pending> notifications = all.stream().limit(MAX_LISTED).toList();
        String subject = "[Scopegate] Daily digest for account " + accountSid + ": " + all.size() + " notification(s)";
        StringBuilder text = new StringBuilder(
                "What happened to the tokens of account " + accountSid + " that concern you, since the last digest:\n");
        StringBuilder html = new StringBuilder("<p>What happened to the tokens of account <code>"
                + HtmlUtils.htmlEscape(accountSid) + "</code> that concern you, since the last digest:</p><ul>");
        Map<String, Long> perType =
                all.stream().collect(Collectors.groupingBy(Pending::type, LinkedHashMap::new, Collectors.counting()));
        for (Pending notification : notifications) {
            String what = Wording.what(notification.type(), notification.data());
            String token = Wording.subject(notification.type(), notification.data());
            String todo = Wording.todo(notification.type());
            String link = mail.consoleLink(notification);
            text.append("\n- ")
                    .append(notification.createdAt())
                    .append("  ")
                    .append(what)
                    .append(": ")
                    .append(token)
                    .append(Wording.refusals(notification.data(), "\n    "))
                    .append("\n    What to do: ")
                    .append(todo)
                    .append("\n    ")
                    .append(link);
            html.append("<li><strong>")
                    .append(HtmlUtils.htmlEscape(what))
                    .append(":</strong> ")
                    .append(HtmlUtils.htmlEscape(token))
                    .append(" <small>(")
                    .append(notification.createdAt())
                    .append(")</small><br>")
                    .append(HtmlUtils.htmlEscape(Wording.refusals(notification.data(), "\n"))
                            .replace("\n", "<br>"))
                    .append("What to do: ")
                    .append(HtmlUtils.htmlEscape(todo))
                    .append(" <a href=\"")
                    .append(HtmlUtils.htmlEscape(link))
                    .append("\">Open in the console</a></li>");
        }
        text.append("\n\nIn all: ")
                .append(perType)
                .append("\n\nYou receive this daily digest as a contact of these tokens or of the account."
                        + " Scopegate never sends secrets by email.\n");
        html.append("</ul><p style=\"color:#666\">You receive this daily digest as a contact of these tokens or of"
                + " the account. Scopegate never sends secrets by email.</p>");
        return new Mail(List.of(to), subject, text.toString(), html.toString());
    }
}
