# Scopegate admin-api image. Build from the repository root after `mvn -B -DskipTests package`:
#   docker build -f deploy/docker/admin-api.Dockerfile -t scopegate/admin-api .
# Spring Boot's layered jar: dependencies change rarely, so their layers stay cached between builds.
# The -exec jar ships no embedded PostgreSQL (that is admin-api-*-local.jar, -Plocal): set SPRING_R2DBC_URL.
FROM eclipse-temurin:25-jre AS layers
WORKDIR /build
COPY admin-api/target/admin-api-*-exec.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Java 25: the gateway used less CPU per request on it than on 17 in every comparable round
# (bench/RESULTS.md, "Request path (session 8)"); the code still compiles for and runs on 17.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 scopegate && useradd --system --uid 10001 --gid scopegate --no-create-home scopegate
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
EXPOSE 8090 8091
# Native access for Netty's epoll transport, which Java 24+ otherwise warns about at start.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
