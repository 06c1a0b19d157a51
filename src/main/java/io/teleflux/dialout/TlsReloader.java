package io.teleflux.dialout;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds the listener's TLS context from {@code teleflux.dialout.tls} and rebuilds it when the PEM
 * files change: every {@code reload-interval} it compares their modification times and sizes with
 * those of the last successful load. A set of files that does not load (e.g. the key written but
 * not yet the certificate) is logged and retried at the next poll; the previous context stays in
 * use meanwhile.
 */
final class TlsReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final TlsConfig cfg;
    private final Consumer<SslContext> onLoad;
    private ScheduledExecutorService poller;
    private List<Object> loadedStamp;

    /** Loads the files once and hands the context to {@code onLoad}; fails with a message naming the keys. */
    TlsReloader(TlsConfig cfg, Consumer<SslContext> onLoad) throws IOException {
        this.cfg = cfg;
        this.onLoad = onLoad;
        List<Object> stamp = stamp();
        SslContext ctx;
        try {
            ctx = build(cfg);
        } catch (IOException | RuntimeException e) {
            throw new IOException("teleflux.dialout.tls: cannot load cert " + cfg.cert() + " / key " + cfg.key()
                    + (cfg.clientCa() == null ? "" : " / client-ca " + cfg.clientCa()) + ": " + e.getMessage(), e);
        }
        loadedStamp = stamp;
        onLoad.accept(ctx);
        LOG.info("dial-out TLS: {}, client-auth {}", describe(cfg.cert()), cfg.clientAuth().name().toLowerCase(java.util.Locale.ROOT));
    }

    static SslContext build(TlsConfig cfg) throws IOException {
        SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(cfg.cert().toFile(), cfg.key().toFile()))
                .protocols(PROTOCOLS);
        if (cfg.clientAuth() != TlsConfig.ClientAuth.NONE) {
            b.trustManager(cfg.clientCa().toFile())
                    .clientAuth(cfg.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return b.build();
    }

    void start() {
        long every = cfg.reloadInterval().toMillis();
        poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("dialout-tls-reload").daemon().factory());
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Reloads when any file changed since the last successful load. */
    void poll() {
        try {
            List<Object> stamp = stamp();
            if (stamp.equals(loadedStamp)) {
                return;
            }
            SslContext ctx = build(cfg);
            loadedStamp = stamp;
            onLoad.accept(ctx);
            LOG.info("dial-out TLS files changed: new connections now use {}", describe(cfg.cert()));
        } catch (IOException | RuntimeException e) {
            RL.warn("reload", "dial-out TLS files changed but do not load ({}); new connections keep the previous"
                    + " certificate", e.toString());
        }
    }

    private List<Object> stamp() throws IOException {
        List<Object> s = new ArrayList<>(6);
        for (Path p : new Path[] {cfg.cert(), cfg.key(), cfg.clientCa()}) {
            if (p != null) {
                s.add(Files.getLastModifiedTime(p).toMillis());
                s.add(Files.size(p));
            }
        }
        return s;
    }

    /** Subject, serial and expiry of the first certificate of a PEM chain, for the log. */
    static String describe(Path certFile) {
        try (InputStream in = Files.newInputStream(certFile)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return "certificate \"" + c.getSubjectX500Principal().getName() + "\" serial " + c.getSerialNumber().toString(16)
                    + " valid until " + c.getNotAfter().toInstant();
        } catch (Exception e) {
            return "certificate " + certFile;
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "TlsReloader(" + Objects.toString(cfg.cert()) + ")";
    }
}
