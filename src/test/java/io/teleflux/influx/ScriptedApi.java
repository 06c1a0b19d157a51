package io.teleflux.influx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A stand-in {@link InfluxApi} for unit tests of one class: answers each request with what
 * {@code answer} returns for the request's body, and records the bodies it was sent.
 */
final class ScriptedApi implements InfluxApi {
    private final Function<String, WriteResult> answer;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    volatile boolean closed;

    ScriptedApi(Function<String, WriteResult> answer) {
        this.answer = answer;
    }

    @Override
    public WriteResult write(Batch batch) {
        String body = new String(batch.body(), StandardCharsets.UTF_8);
        requests.add(body);
        return answer.apply(body);
    }

    @Override
    public String describe() {
        return "scripted";
    }

    @Override
    public void close() {
        closed = true;
    }
}
