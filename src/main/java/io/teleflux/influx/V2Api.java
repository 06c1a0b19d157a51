package io.teleflux.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * InfluxDB 2.x/3.x {@code POST /api/v2/write} through influxdb-client-java.
 *
 * <p>Only {@link WriteApiBlocking} is used: it sends once and throws on failure, with no retry and
 * no buffering of its own (unlike its {@code WriteApi}), so batching and retries stay ours and
 * behave the same as with v1. With {@code gzip}, {@link GzipWrites} gzips the body of {@code /write}
 * requests at {@code gzip-level} and sets {@code Content-Encoding: gzip}; the token travels as
 * {@code Authorization: Token ...}.
 */
final class V2Api implements InfluxApi {
    private final InfluxConfig cfg;
    private final InfluxDBClient client;
    private final WriteApiBlocking writeApi;

    V2Api(InfluxConfig cfg) {
        this.cfg = cfg;
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(cfg.timeout())
                .readTimeout(cfg.timeout())
                .writeTimeout(cfg.timeout())
                .callTimeout(cfg.timeout());
        if (cfg.gzip()) {
            // ours rather than the client's enableGzip(), which always deflates at level 6
            http.addInterceptor(new GzipWrites(cfg.gzipLevel()));
        }
        InfluxDBClientOptions options = InfluxDBClientOptions.builder()
                .url(cfg.url().toString())
                .authenticateToken(cfg.token().reveal().toCharArray())
                .org(cfg.org())
                .bucket(cfg.bucket())
                .precision(WritePrecision.MS)
                .okHttpClient(http)
                .build();
        this.client = InfluxDBClientFactory.create(options);
        this.writeApi = client.getWriteApiBlocking();
    }

    @Override
    public WriteResult write(Batch batch) throws InterruptedException {
        try {
            writeApi.writeRecord(cfg.bucket(), cfg.org(), WritePrecision.MS,
                    new String(batch.body(), StandardCharsets.UTF_8));
            return WriteResult.http(204, null, "");
        } catch (InfluxException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("write interrupted");
            }
            return toResult(e);
        }
    }

    /** Maps the client's exception onto the same result a v1 response gives. */
    static WriteResult toResult(InfluxException e) {
        if (e.status() == 0) {
            // no response: the client wraps the IOException (connect, timeout, reset)
            Throwable cause = e.getCause();
            return WriteResult.network(cause instanceof IOException ? cause : e);
        }
        Map<String, String> headers = e.headers(); // case-insensitive map
        return WriteResult.http(e.status(), headers.get("Retry-After"), bodyOf(e));
    }

    /**
     * The client consumes the response body while building the exception: a JSON body survives as
     * {@code errorBody()}, and its "message" as the exception message.
     */
    private static String bodyOf(InfluxException e) {
        Map<String, Object> body = e.errorBody();
        if (!body.isEmpty()) {
            return body.entrySet().stream().map(en -> en.getKey() + "=" + en.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return e.getMessage() == null ? "" : e.getMessage();
    }

    @Override
    public String describe() {
        return "v2 " + cfg.url() + " org \"" + cfg.org() + "\" bucket \"" + cfg.bucket() + "\"";
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * Gzips the body of write requests at a chosen level. It runs before the client's own
     * interceptors; the client's gzip interceptor stays disabled, so the body is compressed once.
     */
    static final class GzipWrites implements Interceptor {
        private final int level;

        GzipWrites(int level) {
            this.level = level;
        }

        @Override
        public Response intercept(Chain chain) throws IOException {
            Request req = chain.request();
            RequestBody body = req.body();
            if (body == null || req.header("Content-Encoding") != null
                    || !req.url().encodedPath().endsWith("/api/v2/write")) {
                return chain.proceed(req);
            }
            Buffer plain = new Buffer();
            body.writeTo(plain);
            byte[] gz = Gzip.compress(plain.readByteArray(), level);
            return chain.proceed(req.newBuilder()
                    .header("Content-Encoding", "gzip")
                    .method(req.method(), RequestBody.create(gz, body.contentType()))
                    .build());
        }
    }
}
