package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.store.credential.Secret;
import io.scopegate.store.token.TokenState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every value that carries a secret prints without it. */
class SecretRedactionTest {

    private static final String SECRET = "sgt_00000000000000000000000000000007zifQ";

    @Test
    void valuesCarryingASecretDoNotPrintIt() {
        TokenRecord token = new TokenRecord(
                "ST1",
                "AC1",
                "n",
                null,
                null,
                List.of(),
                1,
                TokenState.ENABLED,
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                null,
                null,
                null,
                null,
                null);
        IssuedSecret issued = new IssuedSecret(new Secret(SECRET), new byte[32], new byte[48]);
        List<Object> carriers = List.of(
                new TokenView(token, 1, SECRET),
                new TokenController.CredentialsView("ST1", SECRET),
                issued,
                new Rotation(issued, new byte[32], Instant.EPOCH),
                new Secret(SECRET));

        assertThat(carriers)
                .allSatisfy(carrier ->
                        assertThat(carrier.toString()).doesNotContain(SECRET).contains("redacted"));
    }
}
