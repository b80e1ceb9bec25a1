package io.scopegate.admin.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The apis table; also the source of the platform's latest API version. */
@Repository
public class ApiRepository {

    private static final String SELECT =
            "select id, name, paths, methods, upstream_url, latest_version, websocket, mutual_tls, created_at, updated_at"
                    + " from apis";

    private final DatabaseClient db;

    ApiRepository(DatabaseClient db) {
        this.db = db;
    }

    public Flux<ApiDefinition> all() {
        return db.sql(SELECT + " order by id").map(ApiRepository::api).all();
    }

    public Mono<ApiDefinition> find(String id) {
        return db.sql(SELECT + " where id = :id")
                .bind("id", id)
                .map(ApiRepository::api)
                .one();
    }

    /** The highest latestVersion in the catalog; 1 while the catalog is empty. */
    public Mono<Integer> latestVersion() {
        return db.sql("select coalesce(max(latest_version), 1) from apis")
                .map((row, meta) -> row.get(0, Integer.class))
                .one();
    }

    /** An upserted row's times as stored, and whether this statement created it. */
    record Upserted(Instant createdAt, Instant updatedAt, boolean created) {}

    /** Inserts or replaces the API; the row's times come back as stored, so no read-back is needed. */
    Mono<Upserted> upsert(ApiDefinition api) {
        return db.sql("""
                insert into apis (id, name, paths, methods, upstream_url, latest_version, websocket, mutual_tls,
                                  created_at, updated_at)
                values (:id, :name, :paths, :methods, :url, :version, :websocket, :mutualTls, :now, :now)
                on conflict (id) do update
                   set name = excluded.name, paths = excluded.paths, methods = excluded.methods,
                       upstream_url = excluded.upstream_url, latest_version = excluded.latest_version,
                       websocket = excluded.websocket, mutual_tls = excluded.mutual_tls,
                       updated_at = excluded.updated_at
                returning created_at, updated_at, (xmax = 0) as created
                """)
                .bind("id", api.id())
                .bind("name", api.name())
                .bind("paths", api.paths().toArray(String[]::new))
                .bind("methods", api.methods().toArray(String[]::new))
                .bind("url", api.upstreamUrl())
                .bind("version", api.latestVersion())
                .bind("websocket", api.websocket())
                .bind("mutualTls", api.mutualTls())
                .bind("now", api.updatedAt())
                .map((row, meta) -> new Upserted(
                        row.get("created_at", Instant.class),
                        row.get("updated_at", Instant.class),
                        Boolean.TRUE.equals(row.get("created", Boolean.class))))
                .one();
    }

    Mono<Long> delete(String id) {
        return db.sql("delete from apis where id = :id").bind("id", id).fetch().rowsUpdated();
    }

    /** Methods of this API that some token's scopes still grant. */
    Flux<String> methodsInUse(String id) {
        return db.sql("select distinct method from token_scopes where api_id = :id order by method")
                .bind("id", id)
                .map((row, meta) -> row.get(0, String.class))
                .all();
    }

    /** Another API that already claims one of these exact path patterns, if any. */
    Mono<String> otherOwnerOfPaths(String id, List<String> paths) {
        return db.sql("select id from apis where id <> :id and paths && :paths limit 1")
                .bind("id", id)
                .bind("paths", paths.toArray(String[]::new))
                .map((row, meta) -> row.get(0, String.class))
                .one();
    }

    /** Serialises catalog writers so two concurrent PUTs cannot both claim one path. */
    Mono<Void> lockCatalog() {
        return db.sql("select pg_advisory_xact_lock(hashtext('scopegate.apis'))")
                .then();
    }

    private static ApiDefinition api(Readable row) {
        return new ApiDefinition(
                row.get("id", String.class),
                row.get("name", String.class),
                Arrays.asList(row.get("paths", String[].class)),
                Arrays.asList(row.get("methods", String[].class)),
                row.get("upstream_url", String.class),
                row.get("latest_version", Integer.class),
                Boolean.TRUE.equals(row.get("websocket", Boolean.class)),
                Boolean.TRUE.equals(row.get("mutual_tls", Boolean.class)),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class));
    }
}
