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
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The daily digest, for accounts with {@code emailDelivery} {@code DAILY_DIGEST}: at
 * {@code scopegate.notifications.digest-at} (UTC) each recipient gets one message listing the day's
 * notifications that concern them (their tokens'), and the account's technical contact one listing all
 * of the account's. A digest covers what happened before that day's digest time (up to two days
 * back, should the replica have been away); once every recipient's message is sent the notifications
 * are marked mailed, and a failure is retried at the next run (a recipient may then get it twice,
 * never zero times).
 */
@Component
class DigestMailer extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(DigestMailer.class);
    private static final int MAX_PER_ACCOUNT = 500;
    private static final Duration LOOK_BACK = Duration.ofDays(2);

    private final MailOutlet mail;
    private final StoreLeader leader;
    private final NotificationProperties settings;
    private final Clock clock;

    DigestMailer(MailOutlet mail, StoreLeader leader, NotificationProperties settings, Clock clock) {
        this.mail = mail;
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
        Instant digestTime = lastDigestTime(clock.instant());
        return mail.unmailed(Account.DAILY_DIGEST, digestTime.minus(LOOK_BACK), digestTime, 10 * MAX_PER_ACCOUNT)
                .collectMultimap(Pending::accountSid)
                .flatMapMany(byAccount -> Flux.fromIterable(byAccount.entrySet()))
                .concatMap(account -> digest(account.getKey(), List.copyOf(account.getValue()))
                        .onErrorResume(error -> {
                            log.warn(
                                    "daily digest of account {} not mailed, will retry: {}",
                                    account.getKey(),
                                    error.toString());
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

    private Mono<Void> digest(String accountSid, List<Pending> notifications) {
        List<Pending> listed = notifications.stream().limit(MAX_PER_ACCOUNT).toList();
        return Flux.fromIterable(listed)
                .concatMap(notification -> mail.recipients(notification).map(to -> Map.entry(notification, to)))
                .collectList()
                .zipWith(mail.technicalContact(accountSid))
                .flatMap(found -> {
                    Map<String, List<Pending>> byRecipient = new LinkedHashMap<>();
                    for (var entry : found.getT1()) {
                        for (String to : entry.getValue()) {
                            byRecipient
                                    .computeIfAbsent(to, k -> new ArrayList<>())
                                    .add(entry.getKey());
                        }
                    }
                    for (String technical : found.getT2()) {
                        byRecipient.put(technical, listed); // the account-wide digest
                    }
                    return Flux.fromIterable(byRecipient.entrySet())
                            .concatMap(recipient -> mail.send(
                                            compose(accountSid, recipient.getKey(), recipient.getValue()))
                                    .doOnSuccess(sent -> recipient.getValue().forEach(n -> mail.count(n.type(), true)))
                                    .doOnError(error -> recipient.getValue().forEach(n -> mail.count(n.type(), false))))
                            .then(mail.markMailed(
                                    listed.stream().map(Pending::id).toList()));
                });
    }

    private Mail compose(String accountSid, String to, List<Pending> notifications) {
        String subject =
                "[Scopegate] Daily digest for account " + accountSid + ": " + notifications.size() + " notification(s)";
        StringBuilder text = new StringBuilder(
                "What happened to the tokens of account " + accountSid + " that concern you, since the last digest:\n");
        StringBuilder html = new StringBuilder("<p>What happened to the tokens of account <code>"
                + MailOutlet.escape(accountSid) + "</code> that concern you, since the last digest:</p><ul>");
        Map<String, Long> perType = notifications.stream()
                .collect(Collectors.groupingBy(Pending::type, LinkedHashMap::new, Collectors.counting()));
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
                    .append(MailOutlet.escape(what))
                    .append(":</strong> ")
                    .append(MailOutlet.escape(token))
                    .append(" <small>(")
                    .append(notification.createdAt())
                    .append(")</small><br>")
                    .append(MailOutlet.escape(Wording.refusals(notification.data(), "\n"))
                            .replace("\n", "<br>"))
                    .append("What to do: ")
                    .append(MailOutlet.escape(todo))
                    .append(" <a href=\"")
                    .append(MailOutlet.escape(link))
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
