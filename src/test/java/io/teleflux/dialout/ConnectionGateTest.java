package io.teleflux.dialout;

import io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionGateTest {

    @Test
    void aTlsFailureKindLeavesOutTheBytesItQuotes() {
        assertThat(ConnectionGate.tlsFailureKind(new NotSslRecordException("not an SSL/TLS record: 9862f4b62fa0666d872ec93622df26a1")))
                .isEqualTo("NotSslRecordException: not an SSL/TLS record: ..")
                .isEqualTo(ConnectionGate.tlsFailureKind(new NotSslRecordException("not an SSL/TLS record: 505249202a20485454502f32")));
        assertThat(ConnectionGate.tlsFailureKind(new SSLHandshakeException("error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN")))
                .isEqualTo("SSLHandshakeException: error:..:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN");
        assertThat(ConnectionGate.tlsFailureKind(new SSLHandshakeException("x".repeat(500)))).hasSize(120);
        assertThat(ConnectionGate.tlsFailureKind(null)).isEqualTo("unknown");
    }
}
