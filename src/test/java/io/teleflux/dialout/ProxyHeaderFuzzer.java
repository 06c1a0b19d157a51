package io.teleflux.dialout;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of {@link ProxyHeader#parse} (Jazzer): the input is the first bytes a
 * trusted balancer sends. Invariants: no exception; {@code NeedMore} only below the v2 bound; a
 * decided answer (a header, LOCAL, or invalid) never changes as more bytes arrive, and a header is
 * seen the same whichever read split it (every shorter prefix needs more); a header's length is
 * within the bytes given; an invalid answer's reason is never empty.
 */
class ProxyHeaderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        ProxyHeader.Result whole = ProxyHeader.parse(data, data.length);
        if (whole instanceof ProxyHeader.NeedMore) {
            assertThat(data.length).isLessThan(ProxyHeader.V2_MAX);
            return;
        }
        if (whole instanceof ProxyHeader.Invalid bad) {
            assertThat(bad.why()).isNotBlank();
        }
        int length = switch (whole) {
            case ProxyHeader.Proxied p -> p.length();
            case ProxyHeader.Local l -> l.length();
            default -> -1;
        };
        if (length >= 0) {
            assertThat(length).isBetween(15, data.length);
            for (int n = 0; n < length; n++) {
                assertThat(ProxyHeader.parse(data, n)).as("%d of %d header bytes", n, length)
                        .isInstanceOf(ProxyHeader.NeedMore.class);
            }
            assertThat(ProxyHeader.parse(data, length)).isEqualTo(whole);
        } else {
            // invalid: once decided, more bytes do not make it valid (the first decision point is found, and kept)
            int decided = data.length;
            while (decided > 0 && !(ProxyHeader.parse(data, decided - 1) instanceof ProxyHeader.NeedMore)) {
                decided--;
            }
            for (int n = decided; n <= data.length; n++) {
                assertThat(ProxyHeader.parse(data, n)).isInstanceOf(ProxyHeader.Invalid.class);
            }
        }
    }
}
