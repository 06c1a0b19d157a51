package io.teleflux.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    @Test
    void everyLoadedSecretIsReplacedInFreeText() {
        Secret s = new Secret("s3cr3t-redaction-test");
        assertThat(s).hasToString("<redacted>");
        assertThat(Redaction.redact("401: bad token s3cr3t-redaction-test (Token s3cr3t-redaction-test)"))
                .isEqualTo("401: bad token <redacted> (Token <redacted>)");
        assertThat(Redaction.redact("nothing here")).isEqualTo("nothing here");
        assertThat(Redaction.redact(null)).isNull();
    }

    @Test
    void tooShortValuesAreNotSearchedFor() {
        new Secret("ab");
        assertThat(Redaction.redact("a cab ride")).isEqualTo("a cab ride");
    }
}
