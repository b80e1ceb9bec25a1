package io.scopegate.admin.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * On first start, when no operator exists, creates {@code admin} with the password from
 * {@code SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD}, or a random one printed once to standard output (not
 * to the log, which is shipped and kept). A later start never changes an existing user.
 */
@Component
class BootstrapOperator implements ApplicationRunner {

    static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(BootstrapOperator.class);

    private final DatabaseClient db;
    private final PasswordEncoder encoder;
    private final Environment environment;
    private final SecureRandom random;
    private final Clock clock;

    BootstrapOperator(
            DatabaseClient db, PasswordEncoder encoder, Environment environment, SecureRandom random, Clock clock) {
        this.db = db;
        this.encoder = encoder;
        this.environment = environment;
        this.random = random;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        // Runs once on the main thread before the service is announced ready; waiting here (with a
        // bound) is what makes "admin exists when the port answers" true. No event loop is involved.
        bootstrap().block(Duration.ofSeconds(60));
    }

    Mono<Void> bootstrap() {
        return db.sql("select count(*) from admin_users where role = 'OPERATOR'")
                .map((row, meta) -> row.get(0, Long.class))
                .one()
                .filter(operators -> operators == 0)
                .flatMap(none -> createAdmin());
    }

    private Mono<Void> createAdmin() {
        String configured = environment.getProperty("scopegate.bootstrap.admin.password");
        boolean generated = configured == null || configured.isBlank();
        String password = generated ? randomPassword() : configured;
        return db.sql("""
                insert into admin_users (username, password_hash, role, created_at, updated_at)
                values (:username, :hash, 'OPERATOR', :now, :now) on conflict (username) do nothing
                """)
                .bind("username", USERNAME)
                .bind("hash", encoder.encode(password))
                .bind("now", clock.instant())
                .fetch()
                .rowsUpdated()
                .doOnNext(created -> announce(created, generated, password))
                .then();
    }

    private static void announce(long created, boolean generated, String password) {
        if (created == 0) {
            log.warn("no operator exists, but user '{}' does; not touching it", USERNAME);
        } else if (generated) {
            System.out.println("\n  Scopegate bootstrap operator created: user '" + USERNAME + "', password '"
                    + password + "'\n  It is shown this once; set SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD to choose it.\n");
        } else {
            log.info("bootstrap operator '{}' created with the configured password", USERNAME);
        }
    }

    private String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }
}
