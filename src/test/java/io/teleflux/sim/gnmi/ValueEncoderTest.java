package io.teleflux.sim.gnmi;

import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.TypedValue;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.InterfaceProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leaf values read from the model, and their PROTO and RFC 7951 JSON forms. */
class ValueEncoderTest {

    static String json(TypedValue v) {
        assertThat(v.getValueCase()).isEqualTo(TypedValue.ValueCase.JSON_IETF_VAL);
        return v.getJsonIetfVal().toStringUtf8();
    }

    @Test
    void integersAreTypedInProtoAndRfc7951InJson() {
        assertThat(ValueEncoder.encode(OcLeaf.Type.UINT64, 12L, Encoding.PROTO))
                .isEqualTo(TypedValue.newBuilder().setUintVal(12).build());
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.UINT64, 12L, Encoding.JSON_IETF))).isEqualTo("\"12\"");
        // unsigned 64-bit: a counter past 2^63 stays a positive number
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.UINT64, -1L, Encoding.JSON_IETF)))
                .isEqualTo("\"18446744073709551615\"");
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.UINT32, 49L, Encoding.JSON_IETF))).isEqualTo("49");
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.UINT8, 7L, Encoding.JSON_IETF))).isEqualTo("7");
        assertThat(ValueEncoder.encode(OcLeaf.Type.UINT16, 1500L, Encoding.PROTO).getUintVal()).isEqualTo(1500);
    }

    @Test
    void stringsEnumerationsAndIdentities() {
        assertThat(ValueEncoder.encode(OcLeaf.Type.ENUMERATION, "UP", Encoding.PROTO).getStringVal()).isEqualTo("UP");
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.ENUMERATION, "UP", Encoding.JSON_IETF))).isEqualTo("\"UP\"");
        assertThat(ValueEncoder.encode(OcLeaf.Type.ETHERNET_SPEED, "SPEED_10GB", Encoding.PROTO).getStringVal())
                .isEqualTo("SPEED_10GB");
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.ETHERNET_SPEED, "SPEED_10GB", Encoding.JSON_IETF)))
                .isEqualTo("\"openconfig-if-ethernet:SPEED_10GB\"");
        assertThat(json(ValueEncoder.encode(OcLeaf.Type.STRING, "a \"b\"\\\n\u0001", Encoding.JSON_IETF)))
                .isEqualTo("\"a \\\"b\\\"\\\\\\n\\u0001\"");
        assertThatThrownBy(() -> ValueEncoder.encode(OcLeaf.Type.STRING, "x", Encoding.JSON))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enumerationsFollowOpenConfig() {
        assertThat(OcLeaf.operStatus(1)).isEqualTo("UP");
        assertThat(OcLeaf.operStatus(2)).isEqualTo("DOWN");
        assertThat(OcLeaf.operStatus(7)).isEqualTo("LOWER_LAYER_DOWN");
        assertThat(OcLeaf.adminStatus(2)).isEqualTo("DOWN");
        assertThat(OcLeaf.portSpeed(1_000_000_000L)).isEqualTo("SPEED_1GB");
        assertThat(OcLeaf.portSpeed(25_000_000_000L)).isEqualTo("SPEED_25GB");
        assertThat(OcLeaf.portSpeed(100_000_000_000L)).isEqualTo("SPEED_100GB");
        assertThat(OcLeaf.portSpeed(123L)).isEqualTo("SPEED_UNKNOWN");
    }

    @Test
    void leavesReadTheModelAtTheReadingsInstant() {
        CounterModel model = new CounterModel(11, 8, "sim-");
        long t = 1_764_201_605_000L;
        Reading r = new Reading(model, 1, t);
        for (int pos = 0; pos < 8; pos++) {
            InterfaceProfile p = model.iface(1, pos);
            r.at(pos);
            assertThat(r.value(OcLeaf.NAME)).isEqualTo(p.name());
            assertThat(r.value(OcLeaf.IFINDEX)).isEqualTo((long) p.ifIndex());
            assertThat(r.value(OcLeaf.IN_OCTETS)).isEqualTo(model.octets(1, pos, Direction.IN, t));
            assertThat(r.value(OcLeaf.OUT_OCTETS)).isEqualTo(model.octets(1, pos, Direction.OUT, t));
            assertThat(r.value(OcLeaf.IN_PKTS)).isEqualTo(model.counters(1, pos, Direction.IN, t).packets());
            assertThat(r.value(OcLeaf.OUT_MULTICAST_PKTS)).isEqualTo(model.counters(1, pos, Direction.OUT, t).multicast());
            assertThat(r.value(OcLeaf.OPER_STATUS)).isEqualTo(p.operStatus() == 1 ? "UP" : "DOWN");
            assertThat(r.value(OcLeaf.PORT_SPEED)).isEqualTo(OcLeaf.portSpeed(p.speedBps())).isNotEqualTo("SPEED_UNKNOWN");
            assertThat((String) r.value(OcLeaf.MAC_ADDRESS)).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        }
        assertThat(r.value(OcLeaf.CPU_INSTANT)).isEqualTo((long) model.deviceSample(1, t).cpuPct());
        assertThat(r.value(OcLeaf.MEMORY_UTILIZED)).isEqualTo(model.deviceSample(1, t).memUsedKb() * 1024);
        assertThat(r.value(OcLeaf.MEMORY_AVAILABLE)).isEqualTo(model.device(1).memTotalKb() * 1024);
    }
}
