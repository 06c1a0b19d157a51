package io.teleflux.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    static boolean in(String cidr, String addr) throws Exception {
        return Cidr.parse("k", cidr).contains(InetAddress.getByName(addr));
    }

    @Test
    void ipv4AndIpv6NetworksAndSingleHosts() throws Exception {
        assertThat(in("10.0.0.0/8", "10.255.1.2")).isTrue();
        assertThat(in("10.0.0.0/8", "11.0.0.1")).isFalse();
        assertThat(in("192.0.2.7", "192.0.2.7")).isTrue();
        assertThat(in("192.0.2.7", "192.0.2.8")).isFalse();
        assertThat(in("10.1.2.3/8", "10.9.9.9")).as("host bits are ignored").isTrue();
        assertThat(in("2001:db8::/32", "2001:db8:1::5")).isTrue();
        assertThat(in("2001:db8::/32", "2001:db9::1")).isFalse();
        assertThat(in("0.0.0.0/0", "203.0.113.1")).isTrue();
        assertThat(in("10.0.0.0/8", "::ffff:10.0.0.1")).as("IPv4-mapped peer of a dual-stack listener").isTrue();
        assertThat(in("10.0.0.0/8", "2001:db8::1")).isFalse();
        assertThat(Cidr.parse("k", "10.1.2.3/8")).hasToString("10.0.0.0/8");
    }

    @Test
    void errorsNameTheKeyAndNoNameIsLookedUp() {
        assertThatThrownBy(() -> Cidr.parse("teleflux.dialout.allow", "localhost")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.dialout.allow: 'localhost' is not an IPv4 or IPv6 network");
        assertThatThrownBy(() -> Cidr.parse("k", "10.0.0.0/33")).hasMessageContaining("prefix length must be 0-32");
        assertThatThrownBy(() -> Cidr.parse("k", "10.0.0/8")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Cidr.parse("k", "2001:db8::/129")).hasMessageContaining("0-128");
    }
}
