package io.teleflux.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.util.HashMap;
import java.util.Map;

/** The client properties the producer and the consumer share: brokers, client id and security. */
final class ClientProps {
    private ClientProps() {
    }

    static Map<String, Object> common(KafkaConfig cfg, String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", cfg.bootstrapServers()));
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        // the brokers' addresses are what the operator wrote; no DNS round-robin surprises
        p.put(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "use_all_dns_ips");
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        KafkaConfig.Security s = cfg.security();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, s.protocol());
        if (s.usesSasl()) {
            p.put(SaslConfigs.SASL_MECHANISM, s.sasl().mechanism());
            String module = s.sasl().mechanism().equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            // a Password-typed setting: Kafka's own config dump shows it as [hidden]
            p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaas(s.sasl().username())
                    + "\" password=\"" + jaas(s.sasl().password().reveal()) + "\";");
        }
        if (s.usesTls()) {
            if (s.tls().truststore() != null) {
                p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, s.tls().truststore().toString());
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, storeType(s.tls().truststore().toString()));
                if (!s.tls().truststorePassword().isEmpty() && !isPem(s.tls().truststore().toString())) {
                    p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, s.tls().truststorePassword().reveal());
                }
            }
            if (s.tls().keystore() != null) {
                p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, s.tls().keystore().toString());
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, storeType(s.tls().keystore().toString()));
                p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, s.tls().keystorePassword().reveal());
            }
        }
        return p;
    }

    /**
     * JKS for a *.jks file, PEM for *.pem and *.crt (a CA file as most PKIs hand it out; Kafka
     * reads PEM stores itself), PKCS12 otherwise (the JDK's default keystore type).
     */
    static String storeType(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".jks")) {
            return "JKS";
        }
        return isPem(lower) ? "PEM" : "PKCS12";
    }

    static boolean isPem(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".pem") || lower.endsWith(".crt");
    }

    /** A JAAS quoted string: backslash and double quote escaped. */
    static String jaas(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
