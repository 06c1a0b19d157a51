# Teleflux collector and simulator image (one image, two commands: `run` and `simulate`).
#
#   docker build -t teleflux:local .
#   docker run --rm teleflux:local --help
#
# Stage 1 builds the shaded jar with Maven on a JDK 21. The tests are not run here: they need the
# real servers of `.ci/run` (influxd, snmpd, ...) and run in CI with `mvn verify`.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY proto ./proto
COPY src/main ./src/main
# the cache mount keeps ~/.m2 between builds; protoc is fetched by the build like every other artifact
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q package -Dmaven.test.skip=true

# Stage 2: a JRE only. No curl or wget in it: the health check uses `teleflux health`.
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 teleflux \
 && useradd --system --uid 10001 --gid teleflux --home-dir /var/lib/teleflux --shell /usr/sbin/nologin teleflux \
 && mkdir -p /opt/teleflux /etc/teleflux /var/lib/teleflux \
 && chown teleflux:teleflux /var/lib/teleflux
COPY --from=build /src/target/teleflux.jar /opt/teleflux/teleflux.jar
# the working directory holds the durable spool (relative default `spool`): give it a volume
WORKDIR /var/lib/teleflux
USER teleflux
# Without a limit the JVM sizes its heap from the host's memory (a quarter of it) and keeps much
# of that committed under load; the live set is tens of MiB. 512 MiB held 2,000 devices x 48
# interfaces, the resident set peaking at 682 MiB with ParallelGC (493 MiB with G1, which commits
# less of the heap; BENCHMARKS.md, Scale). Override in compose with
# JDK_JAVA_OPTIONS="-Xmx1g -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError" (keep the flags when overriding).
# -XX:+UseParallelGC: the collector allocates fast and keeps little, the case the throughput
# collector is for; on 2 cores, with this heap, it spent 15% less CPU per message than the default
# G1 (BENCHMARKS.md, python; docs/deployment.md, JVM options). The python benchmark reads this line
# for the collector's options.
# -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError ends the JVM (exit 3) instead of leaving it half-dead
# with some threads gone; the restart policy then restarts it and the spool is replayed.
ENV JDK_JAVA_OPTIONS="-Xmx512m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"
# 50051: gRPC dial-out from the devices; 9273: /metrics and /health
EXPOSE 50051 9273
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-jar", "/opt/teleflux/teleflux.jar", \
         "health", "--url", "http://127.0.0.1:9273/health"]
ENTRYPOINT ["java", "-jar", "/opt/teleflux/teleflux.jar"]
CMD ["run", "--config", "/etc/teleflux/teleflux.conf"]
