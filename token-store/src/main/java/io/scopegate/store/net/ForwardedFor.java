package io.scopegate.store.net;

import io.scopegate.store.scope.IpLiteral;
import java.util.List;
import java.util.function.Predicate;

/**
 * Who a request came from behind trusted proxies, the same way in both services: the socket peer,
 * unless the peer is a trusted proxy; then the right-most {@code X-Forwarded-For} entry that is not
 * itself a trusted proxy. Entries that are not IP literals end the walk (they are never resolved), so
 * a client cannot talk its way past the proxy that saw it.
 */
public final class ForwardedFor {

    private ForwardedFor() {}

    /**
     * @param peer      the socket peer's address
     * @param forwarded the {@code X-Forwarded-For} entries, in header order
     * @param trusted   whether an address is one of the trusted proxies
     */
    public static String client(String peer, List<String> forwarded, Predicate<String> trusted) {
        if (peer == null || !trusted.test(peer)) {
            return peer;
        }
        String client = peer;
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String hop = forwarded.get(i).trim();
            if (IpLiteral.parse(hop) == null) {
                return client;
            }
            client = hop;
            if (!trusted.test(hop)) {
                return hop;
            }
        }
        return client;
    }
}
