package io.teleflux.dialout.h3c;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class H3cMappingsTest {
    private final H3cMappings mappings = H3cMappings.standard();

    @Test
    void lookupIgnoresCase() {
        assertThat(mappings.resolve("ifmgr", "statistics").measurement).isEqualTo("interface");
        assertThat(mappings.resolve("IFMGR", "Statistics")).isSameAs(mappings.resolve("Ifmgr", "Statistics"));
        assertThat(mappings.resolve("diagnostic", "memories").measurement).isEqualTo("device");
        assertThat(mappings.resolve("Device", "Base").generic).isFalse();
    }

    @Test
    void unknownPathsAreGenericWithASnakeCaseMeasurement() {
        Mapping m = mappings.resolve("Device", "ExtPhysicalEntities");
        assertThat(m.generic).isTrue();
        assertThat(m.measurement).isEqualTo("h3c_device_ext_physical_entities");
        assertThat(mappings.resolve("Device", "CPUs").generic).isFalse();
        assertThat(mappings.resolve("openconfig-interfaces", "interfaces").measurement)
                .isEqualTo("h3c_openconfig_interfaces_interfaces");
        assertThat(mappings.resolve("!!", "").measurement).isEqualTo("h3c_unnamed_unnamed");
        Mapping transceivers = mappings.resolve("device", "transceivers");
        assertThat(transceivers.generic).isTrue();
        assertThat(transceivers.measurement).isEqualTo("h3c_device_transceivers");
        assertThat(transceivers.hasNotAvailable).isTrue();
        assertThat(transceivers.notAvailable).isEqualTo(2147483647L);
    }

    @Test
    void everyFieldNameHasOneTypePerMeasurement() {
        Map<String, Column.Kind> kinds = new HashMap<>();
        for (Mapping m : mappings.entries()) {
            for (Column c : m.columns) {
                if (c.target() != null) {
                    Column.Kind before = kinds.putIfAbsent(m.measurement + "." + c.target(), c.kind());
                    assertThat(before == null || before == c.kind()).as(m.measurement + "." + c.target()).isTrue();
                }
            }
        }
        assertThat(kinds).containsEntry("interface.ifindex", Column.Kind.INT)
                .containsEntry("interface.in_usage_pct", Column.Kind.FLOAT)
                .containsEntry("device.mem_used_pct", Column.Kind.FLOAT)
                .containsEntry("interface.interface", Column.Kind.TAG);
    }

    @Test
    void extrasCannotTakeNamesOfMappedOrComputedFields() {
        Mapping statistics = mappings.resolve("Ifmgr", "Statistics");
        assertThat(statistics.keepExtras).isTrue();
        assertThat(statistics.reserved).contains("in_octets", "in_bps", "out_util_pct", "admin_status", "speed_bps",
                "description", "interface", "device", "source", "time");
        assertThat(mappings.resolve("Ifmgr", "Interfaces").keepExtras).isFalse();
    }

    @Test
    void inRateIsStoredRawAndNeverAsBps() {
        Column c = mappings.resolve("Ifmgr", "Statistics").column("InRate");
        assertThat(c.target()).isEqualTo("in_rate");
        assertThat(c.kind()).isEqualTo(Column.Kind.INT);
        assertThat(c.transform()).isEqualTo(Column.Transform.NONE);
    }

    @Test
    void columnLookupPrefersExactCaseThenAnyCase() {
        Mapping statistics = mappings.resolve("Ifmgr", "Statistics");
        assertThat(statistics.column("InOctets").target()).isEqualTo("in_octets");
        assertThat(statistics.column("inoctets").target()).isEqualTo("in_octets");
        assertThat(statistics.column("In_Octets")).isNull();
        assertThat(statistics.column("LastClear").kind()).isEqualTo(Column.Kind.IGNORE);
    }
}
