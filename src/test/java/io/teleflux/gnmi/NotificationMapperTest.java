package io.teleflux.gnmi;

import com.google.protobuf.ByteString;
import io.teleflux.point.Point;
import io.teleflux.proto.gnmi.Decimal64;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.TypedValue;
import io.teleflux.proto.gnmi.Update;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notification → points: the three device styles of vendor-telemetry.md §4 (PROTO-typed scalars,
 * JSON_IETF scalars, one JSON_IETF object for a whole container), deletes, unknown paths, and the
 * uint64 ≥ 2^63 rule; each case as the exact line protocol it becomes.
 */
class NotificationMapperTest {
    static final long NS = 1_700_000_000_123_456_789L;
    static final long MS = 1_700_000_000_123L;
    static final long NOW = 1_800_000_000_000L;

    final List<String> issues = new ArrayList<>();
    NotificationMapper mapper = new NotificationMapper("leaf1", GnmiConfig.Limits.DEFAULTS, () -> NOW);

    List<String> map(Notification n) {
        List<String> lines = new ArrayList<>();
        for (Point p : mapper.map(n, (reason, detail) -> issues.add(reason + ": " + detail)).points()) {
            lines.add(p.toString());
        }
        return lines;
    }

    static Path path(String text) {
        return GnmiPaths.toProto(GnmiPaths.parse(text));
    }

    static Update update(String path, TypedValue v) {
        return Update.newBuilder().setPath(path(path)).setVal(v).build();
    }

    static TypedValue uint(long v) {
        return TypedValue.newBuilder().setUintVal(v).build();
    }

    static TypedValue str(String v) {
        return TypedValue.newBuilder().setStringVal(v).build();
    }

    static TypedValue json(String json) {
        return TypedValue.newBuilder().setJsonIetfVal(ByteString.copyFrom(json, StandardCharsets.UTF_8)).build();
    }

    static Notification.Builder at(String prefix) {
        return Notification.newBuilder().setTimestamp(NS).setPrefix(path(prefix));
    }

    @Test
    void protoTypedInterfaceLeavesOfOneNotificationAreOneInterfacePoint() {
        Notification n = at("/interfaces/interface[name=Ethernet1/1]")
                .addUpdate(update("/state/counters/in-octets", uint(1_000_000)))
                .addUpdate(update("/state/counters/out-octets", uint(2_000_000)))
                .addUpdate(update("/state/counters/in-unicast-pkts", uint(900)))
                .addUpdate(update("/state/counters/in-multicast-pkts", uint(60)))
                .addUpdate(update("/state/counters/in-broadcast-pkts", uint(40)))
                .addUpdate(update("/state/counters/in-pkts", uint(999))) // the sum of the parts wins, as in SNMP
                .addUpdate(update("/state/counters/out-unicast-pkts", uint(700)))
                .addUpdate(update("/state/counters/out-pkts", uint(777))) // no parts: the device's total
                .addUpdate(update("/state/counters/in-errors", uint(3)))
                .addUpdate(update("/state/counters/out-errors", uint(4)))
                .addUpdate(update("/state/counters/in-discards", uint(5)))
                .addUpdate(update("/state/counters/out-discards", uint(6)))
                .addUpdate(update("/state/counters/carrier-transitions", uint(2)))
                .addUpdate(update("/state/oper-status", str("UP")))
                .addUpdate(update("/state/admin-status", str("DOWN")))
                .addUpdate(update("/state/ifindex", TypedValue.newBuilder().setUintVal(17).build()))
                .addUpdate(update("/state/description", str("uplink, \"core\"")))
                .addUpdate(update("/ethernet/state/port-speed", str("openconfig-if-ethernet:SPEED_10GB")))
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet1/1,source=telemetry ifindex=17i,in_octets=1000000i,"
                        + "out_octets=2000000i,in_pkts=1000i,out_pkts=777i,in_ucast_pkts=900i,out_ucast_pkts=700i,"
                        + "in_errors=3i,out_errors=4i,in_discards=5i,out_discards=6i,speed_bps=10000000000i,"
                        + "oper_status=1i,admin_status=2i,description=\"uplink, \\\"core\\\"\" " + MS,
                "gnmi_interfaces_interface_counters,device=leaf1,name=Ethernet1/1,source=telemetry "
                        + "in_multicast_pkts=60i,in_broadcast_pkts=40i,in_pkts=999i,out_pkts=777i,carrier_transitions=2i " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void jsonIetfScalarsReadSixtyFourBitIntegersFromStrings() {
        Notification n = at("/interfaces/interface[name=Ethernet2]")
                .addUpdate(update("/state/counters/in-octets", json("\"9007199254740993\"")))
                .addUpdate(update("/state/counters/out-octets", json("\"12\"")))
                .addUpdate(update("/state/oper-status", json("\"LOWER_LAYER_DOWN\"")))
                .addUpdate(update("/state/ifindex", json("2")))
                .addUpdate(update("/state/description", json("\"1234\""))) // text, though all digits
                .addUpdate(update("/ethernet/state/negotiated-port-speed", json("\"openconfig-if-ethernet:SPEED_2500MB\"")))
                .addUpdate(update("/ethernet/state/port-speed", json("\"openconfig-if-ethernet:SPEED_10GB\"")))
                .build();
        assertThat(map(n)).containsExactly("interface,device=leaf1,interface=Ethernet2,source=telemetry ifindex=2i,"
                + "in_octets=9007199254740993i,out_octets=12i,speed_bps=2500000000i,oper_status=7i,description=\"1234\" " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void aJsonIetfObjectForAWholeContainerIsFlattenedIntoLeaves() {
        Notification n = at("/")
                .addUpdate(update("/interfaces/interface[name=Ethernet3]/state", json("""
                        {"openconfig-interfaces:counters": {"in-octets": "100", "out-octets": "200",
                           "in-unicast-pkts": "7", "in-multicast-pkts": "2", "in-broadcast-pkts": "1",
                           "last-clear": "1699999999000000000"},
                         "oper-status": "DOWN", "admin-status": "UP", "name": "Ethernet3", "mtu": 9000,
                         "enabled": true, "type": "iana-if-type:ethernetCsmacd"}""")))
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet3,source=telemetry in_octets=100i,out_octets=200i,"
                        + "in_pkts=10i,in_ucast_pkts=7i,oper_status=2i,admin_status=1i " + MS,
                "gnmi_interfaces_interface_counters,device=leaf1,name=Ethernet3,source=telemetry in_multicast_pkts=2i,"
                        + "in_broadcast_pkts=1i,last_clear=1699999999000000000i " + MS,
                "gnmi_interfaces_interface,device=leaf1,name=Ethernet3,source=telemetry name=\"Ethernet3\",mtu=9000i,"
                        + "enabled=true,type=\"iana-if-type:ethernetCsmacd\" " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void aJsonIetfListOfEntriesGetsEachEntrysKeyIntoItsPath() {
        Notification n = at("/").addUpdate(update("/interfaces", json("""
                {"interface": [
                   {"name": "Ethernet4", "state": {"counters": {"in-octets": "1"}, "oper-status": "UP"}},
                   {"name": "Ethernet5", "state": {"counters": {"in-octets": "2"}, "oper-status": "DOWN"}}]}""")))
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet4,source=telemetry in_octets=1i,oper_status=1i " + MS,
                "interface,device=leaf1,interface=Ethernet5,source=telemetry in_octets=2i,oper_status=2i " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void deletesAreCountedAndWriteNothing() {
        Notification n = at("/interfaces")
                .addDelete(path("/interface[name=Ethernet9]"))
                .addDelete(path("/interface[name=Ethernet10]"))
                .build();
        NotificationMapper.Result r = mapper.map(n, (reason, detail) -> issues.add(reason));
        assertThat(r.points()).isEmpty();
        assertThat(r.deletes()).isEqualTo(2);
        assertThat(r.updates()).isZero();
        assertThat(issues).isEmpty();
    }

    @Test
    void unknownPathsBecomeGenericMeasurementsWithTheirKeysAsTags() {
        Notification n = at("/")
                .addUpdate(update("/qos/interfaces/interface[interface-id=Eth1]/output/queues/queue[name=BE]/state/transmit-octets",
                        uint(4242)))
                .addUpdate(update("/qos/interfaces/interface[interface-id=Eth1]/output/queues/queue[name=BE]/state/dropped-pkts",
                        uint(1)))
                .addUpdate(update("/network-instances/network-instance[name=default]/protocols/protocol[identifier=BGP][name=bgp]"
                        + "/bgp/neighbors/neighbor[neighbor-address=192.0.2.1]/state/session-state", str("ESTABLISHED")))
                .addUpdate(update("/components/component[name=Fan1]/state/temperature/instant",
                        TypedValue.newBuilder().setDoubleVal(41.5).build()))
                .addUpdate(update("/system/state/hostname", str("leaf1.example.net")))
                .addUpdate(update("/acl/state/counter-capability", TypedValue.newBuilder()
                        .setDecimalVal(Decimal64.newBuilder().setDigits(12345).setPrecision(2)).build()))
                .addUpdate(update("/x/y[device=d1][source=s1]/z", TypedValue.newBuilder().setBoolVal(true).build()))
                .build();
        assertThat(map(n)).containsExactly(
                "gnmi_output_queues_queue,device=leaf1,interface_id=Eth1,name=BE,source=telemetry transmit_octets=4242i,"
                        + "dropped_pkts=1i " + MS,
                "gnmi_bgp_neighbors_neighbor,device=leaf1,identifier=BGP,name=bgp,neighbor_address=192.0.2.1,"
                        + "network_instance_name=default,source=telemetry session_state=\"ESTABLISHED\" " + MS,
                "gnmi_components_component_temperature,device=leaf1,name=Fan1,source=telemetry instant=41.5 " + MS,
                "gnmi_system,device=leaf1,source=telemetry hostname=\"leaf1.example.net\" " + MS,
                "gnmi_acl,device=leaf1,source=telemetry counter_capability=123.45 " + MS,
                "gnmi_x_y,device=leaf1,source=telemetry,y_device=d1,y_source=s1 z=true " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void aCounterAtOrAbove2Pow63IsLeftOutAndCountedNeverWrittenNegative() {
        Notification n = at("/interfaces/interface[name=Ethernet1]")
                .addUpdate(update("/state/counters/in-octets", uint(-1))) // 2^64 - 1 on the wire
                .addUpdate(update("/state/counters/out-octets", json("\"9223372036854775808\""))) // 2^63
                .addUpdate(update("/state/counters/in-errors", uint(Long.MAX_VALUE))) // 2^63 - 1: fits
                .addUpdate(update("/state/counters/in-unicast-pkts", uint(Long.MAX_VALUE)))
                .addUpdate(update("/state/counters/in-multicast-pkts", uint(1))) // the sum reaches 2^63
                .addUpdate(update("/state/counters/in-broadcast-pkts", uint(0)))
                .addUpdate(update("/state/counters/carrier-transitions", uint(Long.MIN_VALUE))) // generic, 2^63
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet1,source=telemetry in_ucast_pkts=9223372036854775807i,"
                        + "in_errors=9223372036854775807i " + MS,
                "gnmi_interfaces_interface_counters,device=leaf1,name=Ethernet1,source=telemetry in_multicast_pkts=1i,"
                        + "in_broadcast_pkts=0i " + MS);
        assertThat(issues).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("uint64_overflow", "uint64_overflow", "uint64_overflow", "uint64_overflow");
    }

    @Test
    void cpuAndMemoryOfComponentsAreDevicePointsTaggedWithTheComponent() {
        Notification n = at("/components/component[name=CPU0]")
                .addUpdate(update("/cpu/utilization/state/instant", TypedValue.newBuilder().setUintVal(37).build()))
                .addUpdate(update("/state/memory/available", uint(8_000_000_000L)))
                .addUpdate(update("/state/memory/utilized", uint(2_000_000_000L)))
                .build();
        Notification sys = at("/system")
                .addUpdate(update("/memory/state/physical", json("\"1000\"")))
                .addUpdate(update("/memory/state/free", json("\"750\"")))
                .addUpdate(update("/cpus/cpu[index=0]/state/total/instant", json("12")))
                .addUpdate(update("/state/boot-time", uint((MS - 3_600_000) * 1_000_000)))
                .build();
        assertThat(map(n)).containsExactly("device,component=CPU0,device=leaf1,source=telemetry cpu_pct=37,"
                + "mem_total=8000000000i,mem_used=2000000000i,mem_free=6000000000i,mem_used_pct=25 " + MS);
        assertThat(map(sys)).containsExactly(
                "device,device=leaf1,source=telemetry mem_total=1000i,mem_used=250i,mem_free=750i,mem_used_pct=25,"
                        + "uptime_s=3600i " + MS,
                "device,cpu=0,device=leaf1,source=telemetry cpu_pct=12 " + MS);
        assertThat(issues).isEmpty();
    }

    @Test
    void aMalformedUpdateIsCountedAndTheRestOfTheNotificationIsStillMapped() {
        Notification n = at("/interfaces/interface[name=Ethernet1]")
                .addUpdate(update("/state/counters/in-octets", json("{not json")))
                .addUpdate(Update.newBuilder().setPath(path("/state/counters/out-octets")))
                .addUpdate(update("/state/oper-status", str("BOGUS")))
                .addUpdate(update("/state/counters/in-errors", str("many")))
                .addUpdate(update("/state/counters/in-discards", TypedValue.newBuilder()
                        .setBytesVal(ByteString.copyFromUtf8("x")).build()))
                .addUpdate(Update.newBuilder().setPath(Path.newBuilder().addElem(
                        io.teleflux.proto.gnmi.PathElem.newBuilder().setName(""))).setVal(uint(1)))
                .addUpdate(update("/state/counters/out-errors", uint(9)))
                .build();
        assertThat(map(n)).containsExactly("interface,device=leaf1,interface=Ethernet1,source=telemetry out_errors=9i " + MS);
        assertThat(issues).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("malformed_json", "missing_value", "bad_value", "bad_value", "unsupported_type", "bad_path");
    }

    @Test
    void subinterfacesAboveZeroAreInterfacesNamedWithTheirIndexAndZeroStaysGeneric() {
        Notification n = at("/interfaces/interface[name=Ethernet1]/subinterfaces")
                .addUpdate(update("/subinterface[index=100]/state/counters/in-octets", uint(5)))
                .addUpdate(update("/subinterface[index=100]/state/oper-status", str("UP")))
                .addUpdate(update("/subinterface[index=0]/state/counters/in-octets", uint(6)))
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet1.100,source=telemetry in_octets=5i,oper_status=1i " + MS,
                "gnmi_subinterfaces_subinterface_counters,device=leaf1,index=0,name=Ethernet1,source=telemetry in_octets=6i " + MS);
    }

    @Test
    void timestampsAreNanosecondsAndOtherUnitsAreReadByMagnitude() {
        assertThat(NotificationMapper.toMs(NS)).isEqualTo(MS);
        assertThat(NotificationMapper.toMs(MS * 1000)).isEqualTo(MS);
        assertThat(NotificationMapper.toMs(MS)).isEqualTo(MS);
        assertThat(NotificationMapper.toMs(MS / 1000)).isEqualTo(MS / 1000 * 1000);
        Notification unset = at("/interfaces/interface[name=E1]").setTimestamp(0)
                .addUpdate(update("/state/counters/in-octets", uint(1))).build();
        assertThat(map(unset)).containsExactly("interface,device=leaf1,interface=E1,source=telemetry in_octets=1i " + NOW);
        Notification negative = unset.toBuilder().setTimestamp(-5).build();
        assertThat(map(negative)).containsExactly("interface,device=leaf1,interface=E1,source=telemetry in_octets=1i " + NOW);
        assertThat(issues).hasSize(1).allMatch(s -> s.startsWith("bad_timestamp"));
    }

    @Test
    void namesMeasurementsAndFieldsAreBounded() {
        mapper = new NotificationMapper("leaf1", new GnmiConfig.Limits(64, 2, 2), () -> NOW);
        String longKey = "k".repeat(100);
        Notification n = at("/")
                .addUpdate(update("/a/b[id=" + longKey + "]/c1", uint(1)))
                .addUpdate(update("/a/b[id=" + longKey + "]/c2", uint(2)))
                .addUpdate(update("/a/b[id=" + longKey + "]/c3", uint(3)))
                .addUpdate(update("/d/e", uint(4)))
                .addUpdate(update("/f/g", uint(5)))
                .build();
        List<String> lines = map(n);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("gnmi_a_b,device=leaf1,id=" + "k".repeat(55) + "~").endsWith(" c1=1i,c2=2i " + MS);
        assertThat(lines.get(1)).isEqualTo("gnmi_d,device=leaf1,source=telemetry e=4i " + MS);
        assertThat(issues).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("name_truncated", "field_limit", "measurement_limit");
    }
}
