package io.teleflux.sim.snmp;

import org.junit.jupiter.api.Test;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.PrivAES256;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --snmp-v3-user NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]}. */
class V3UserTest {

    @Test
    void parsesAuthPrivAndAuthNoPriv() {
        V3User u = V3User.parse("poller:SHA-512:authpass1:AES-256:privpass1");
        assertThat(u).isEqualTo(V3User.authPriv("poller", V3User.Auth.SHA_512, "authpass1", V3User.Priv.AES_256,
                "privpass1"));
        assertThat(u.auth().protocol().getID()).isEqualTo(AuthHMAC384SHA512.ID);
        assertThat(u.priv().protocol().getID()).isEqualTo(PrivAES256.ID);
        V3User a = V3User.parse("mon:md5:authpass2");
        assertThat(a.auth()).isEqualTo(V3User.Auth.MD5);
        assertThat(a.priv()).isNull();
        assertThat(V3User.parse("x:SHA256:authpass3:AES:privpass3").priv()).isEqualTo(V3User.Priv.AES_128);
        assertThat(V3User.parse("x:sha-224:authpass3:aes192:privpass3").auth()).isEqualTo(V3User.Auth.SHA_224);
    }

    @Test
    void errorsSayWhatIsWrongAndNeverEchoAPassphrase() {
        assertThatThrownBy(() -> V3User.parse("poller:SHA:authpass1:AES"))
                .hasMessageContaining("expected NAME:AUTH:AUTHPASS or NAME:AUTH:AUTHPASS:PRIV:PRIVPASS");
        assertThatThrownBy(() -> V3User.parse("poller:SHA-3:authpass1"))
                .hasMessageContaining("unknown authentication protocol 'SHA-3'; known: MD5, SHA, SHA-224");
        assertThatThrownBy(() -> V3User.parse("poller:SHA:authpass1:3DES:privpass1"))
                .hasMessageContaining("unknown privacy protocol '3DES'; known: DES, AES-128, AES-192, AES-256");
        assertThatThrownBy(() -> V3User.parse("poller:SHA:secret7"))
                .hasMessage("authentication passphrase must be at least 8 characters (RFC 3414)")
                .hasMessageNotContaining("secret7");
        assertThatThrownBy(() -> V3User.parse(":SHA:authpass1")).hasMessageContaining("user name");
        assertThat(V3User.parse("poller:SHA:authpass1:AES:privpass1").toString())
                .isEqualTo("V3User(poller, SHA, AES-128)").doesNotContain("authpass1", "privpass1");
    }
}
