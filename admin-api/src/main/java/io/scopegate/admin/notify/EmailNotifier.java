package io.scopegate.admin.notify;

import io.scopegate.admin.account.Account;
import io.scopegate.admin.notify.MailOutlet.Mail;
import io.scopegate.admin.notify.MailOutlet.Pending;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Mails each notification to the people it concerns, one message per event, on the elected replica,
 * for accounts with {@code emailDelivery} {@code EACH} (the others get {@link DigestMailer}'s daily
 * digest). Plain text and HTML, saying what happened, what to do and where in the console; never a
 * secret. A notification is marked mailed once sent, so a failure is retried at the next run (at
 * least once, as webhooks).
 */
@Component
class EmailNotifier extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(EmailNotifier.class);
    private static final int BATCH = 50;

    /** Notifications older than this are not mailed (mail was off, or failing, when they happened). */
    static final Duration MAX_AGE = Duration.ofDays(1);

    private final MailOutlet mail;
    private final StoreLeader leader;
    private final Clock clock;

    EmailNotifier(MailOutlet mail, StoreLeader leader, Clock clock) {
        this.mail = mail;
        this.leader = leader;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return mail.on() ? Flux.interval(Duration.ofSeconds(1)) : Flux.never();
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!mail.on() || !leader.isLeader()) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        // Only news: when mail is turned on, what happened before is not mailed all at once.
        return mail.unmailed(Account.EACH, now.minus(MAX_AGE), now.plusSeconds(1), BATCH)
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(notification -> mail.recipients(notification)
                        .flatMap(to -> to.isEmpty()
                                ? Mono.empty()
                                : mail.send(compose(notification, to))
                                        .doOnSuccess(sent -> mail.count(notification.type(), true)))
                        .then(mail.markMailed(List.of(notification.id())))
                        .onErrorResume(error -> {
                            mail.count(notification.type(), false);
                            log.warn("notification {} not mailed, will retry: {}", notification.id(), error.toString());
                            return Mono.empty();
                        }))
                .then()
                .timeout(Duration.ofMinutes(2));
    }

    private Mail compose(Pending notification, List<String> to) {
        JsonNode data = notification.data();
        String token = Wording.subject(notification.type(), data);
        String sid = data.path("tokenSid").asString("");
        String what = Wording.what(notification.type(), data);
        String todo = Wording.todo(notification.type());
        String link = mail.consoleLink(notification);
        String subject = "[Scopegate] " + what + ": " + token;
        String text = what + "\n\nToken: " + token + " (" + sid + ")\nAccount: " + notification.accountSid()
                + Wording.refusals(data, "\n") + "\n\nWhat to do: " + todo + "\n\nIn the console: " + link
                + "\n\nYou receive this as a contact of the token. Scopegate never sends secrets by email.\n";
        String html =
                "<p><strong>" + HtmlUtils.htmlEscape(what) + "</strong></p><p>Token: " + HtmlUtils.htmlEscape(token)
                        + " (<code>" + HtmlUtils.htmlEscape(sid) + "</code>)<br>Account: "
                        + HtmlUtils.htmlEscape(notification.accountSid()) + "</p>"
                        + HtmlUtils.htmlEscape(Wording.refusals(data, "\n")).replace("\n", "<br>") + "<p>What to do: "
                        + HtmlUtils.htmlEscape(todo) + "</p><p><a href=\"" + HtmlUtils.htmlEscape(link)
                        + "\">Open it in the console</a></p>"
                        + "<p style=\"color:#666\">You receive this as a contact of the token. Scopegate never sends"
                        + " secrets by email.</p>";
        return new Mail(to, subject, text, html);
    }
}
