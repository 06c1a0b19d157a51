package io.teleflux.gnmi;

import io.teleflux.point.Point;
import io.teleflux.proto.gnmi.Notification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.teleflux.gnmi.NotificationMapperTest.MS;
import static io.teleflux.gnmi.NotificationMapperTest.at;
import static io.teleflux.gnmi.NotificationMapperTest.str;
import static io.teleflux.gnmi.NotificationMapperTest.uint;
import static io.teleflux.gnmi.NotificationMapperTest.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapper keeps what it derives from a path's names per shape of path: a shape seen before must
 * still take each path's own key values, and paths beyond the shapes it keeps must map the same.
 */
class NotificationMapperShapesTest {
    final List<String> issues = new ArrayList<>();
    final NotificationMapper mapper = new NotificationMapper("leaf1", GnmiConfig.Limits.DEFAULTS, () -> 0L);

    List<String> map(Notification n) {
        List<String> lines = new ArrayList<>();
        for (Point p : mapper.map(n, (reason, detail) -> issues.add(reason + ": " + detail)).points()) {
            lines.add(p.toString());
        }
        return lines;
    }

    @Test
    void aShapeSeenBeforeTakesEachPathsOwnKeyValues() {
        for (String eth : List.of("Ethernet1", "Ethernet2")) {
            Notification n = at("/interfaces/interface[name=" + eth + "]")
                    .addUpdate(update("/state/counters/in-octets", uint(eth.length())))
                    .addUpdate(update("/state/counters/in-pkts", uint(7)))
                    .addUpdate(update("/qos/queue[name=BE]/state/dropped", uint(1)))
                    .addUpdate(update("/qos/queue[name=AF]/state/dropped", uint(2)))
                    .build();
            assertThat(map(n)).containsExactly(
                    "interface,device=leaf1,interface=" + eth + ",source=telemetry in_octets=9i,in_pkts=7i " + MS,
                    "gnmi_interfaces_interface_counters,device=leaf1,name=" + eth + ",source=telemetry in_pkts=7i " + MS,
                    "gnmi_interface_qos_queue,device=leaf1,interface_name=" + eth + ",name=BE,source=telemetry dropped=1i "
                            + MS,
                    "gnmi_interface_qos_queue,device=leaf1,interface_name=" + eth + ",name=AF,source=telemetry dropped=2i "
                            + MS);
        }
        assertThat(issues).isEmpty();
    }

    @Test
    void pathsBeyondTheShapesKeptAreMappedAsThoseKept() {
        // leaf names no schema has: each one is a shape of its own, until the tree is full
        for (int i = 0; i <= NotificationMapper.MAX_SHAPES / 100; i++) {
            Notification.Builder n = at("/vendor/table[id=" + i + "]");
            for (int j = 0; j < 100; j++) {
                n.addUpdate(update("/leaf-" + i + "-" + j, uint(j)));
            }
            assertThat(map(n.build())).hasSize(1);
        }
        Notification n = at("/interfaces/interface[name=Ethernet9]")
                .addUpdate(update("/state/counters/in-octets", uint(5)))
                .addUpdate(update("/state/counters/in-multicast-pkts", uint(6)))
                .addUpdate(update("/state/oper-status", str("UP")))
                .addUpdate(update("/vendor/table[id=x]/leaf-0-0", uint(8)))
                .build();
        assertThat(map(n)).containsExactly(
                "interface,device=leaf1,interface=Ethernet9,source=telemetry in_octets=5i,oper_status=1i " + MS,
                "gnmi_interfaces_interface_counters,device=leaf1,name=Ethernet9,source=telemetry in_multicast_pkts=6i "
                        + MS,
                "gnmi_interface_vendor_table,device=leaf1,id=x,name=Ethernet9,source=telemetry leaf_0_0=8i " + MS);
        assertThat(issues).isEmpty();
    }
}
