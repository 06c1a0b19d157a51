package io.teleflux.dialout.h3c;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "IfIndex, if_index",
            "CPUID, cpuid",
            "CPUs, cpus",
            "ExtPhysicalEntities, ext_physical_entities",
            "InNUcastPkts, in_nucast_pkts",
            "in-octets, in_octets",
            "oper-status, oper_status",
            "Ipv4Address, ipv4_address",
            "'Rx Power (dBm)', rx_power_d_bm", // the rule is mechanical: lower→upper is a word break
            "__x__, x",
            "'---', ''",
            "Température, température",
    })
    void snakeCase(String in, String out) {
        assertThat(io.teleflux.point.Names.snake(in)).isEqualTo(out);
        assertThat(Names.snake(in)).isEqualTo(out);
    }

    @ParameterizedTest(name = "{0} key={1}")
    @CsvSource({
            "IfIndex, true", "ifindex, true", "if-index, true", "Name, true", "name, true", "Chassis, true",
            "Slot, true", "SubSlot, true", "CPUID, true", "PhysicalIndex, true", "Index, true", "ID, true",
            "VRF, true", "VrfName, true", "vrf-name, true", "PortIndex, true", "EntityIndex, true",
            "interface-id, true", "Description, false", "NameLength, false", "InOctets, false",
    })
    void keyColumns(String name, boolean key) {
        assertThat(Names.column(name).key()).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource({"Time, time_value", "Device, device_value", "source, source_value", "Temperature, temperature"})
    void fieldKeysAvoidOurTagsAndInfluxReservedNames(String name, String fieldKey) {
        assertThat(Names.column(name).fieldKey()).isEqualTo(fieldKey);
    }
}
