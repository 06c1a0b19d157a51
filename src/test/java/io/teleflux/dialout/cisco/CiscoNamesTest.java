package io.teleflux.dialout.cisco;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CiscoNamesTest {
    @Test
    void yangAndNxosNamesBecomeSnakeCase() {
        assertThat(CiscoNames.key("data-rates/input-data-rate")).isEqualTo("data_rates_input_data_rate");
        assertThat(CiscoNames.key("operSt")).isEqualTo("oper_st");
        assertThat(CiscoNames.key("TABLE_cpu/ROW_cpu/cpuid")).isEqualTo("table_cpu_row_cpu_cpuid");
        assertThat(CiscoNames.key("time")).isEqualTo("time_value");
        assertThat(CiscoNames.key("device")).isEqualTo("device_value");
    }

    @Test
    void genericMeasurementsDropTheLeadingSlashAndCiscoPrefix() {
        assertThat(CiscoNames.measurement("Cisco-IOS-XR-wdsysmon-fd-oper:system-monitoring/cpu-utilization", 256))
                .isEqualTo("cisco_ios_xr_wdsysmon_fd_oper_system_monitoring_cpu_utilization");
        assertThat(CiscoNames.measurement("/Cisco-IOS-XE-process-cpu-oper:cpu-usage/cpu-utilization", 256))
                .isEqualTo("cisco_ios_xe_process_cpu_oper_cpu_usage_cpu_utilization");
        assertThat(CiscoNames.measurement("openconfig-platform:components/component", 256))
                .isEqualTo("cisco_openconfig_platform_components_component");
        assertThat(CiscoNames.measurement("show system resources", 256)).isEqualTo("cisco_show_system_resources");
        assertThat(CiscoNames.measurement("///", 256)).isEqualTo("cisco_unnamed");
        assertThat(CiscoNames.measurement("a:" + "b".repeat(300), 64)).hasSize(64).contains("~");
    }

    @Test
    void interfacePathsMatchWithoutLeadingSlashOrCase() {
        assertThat(CiscoMappings.forPath("/openconfig-interfaces:interfaces/interface/state/counters")).isNotNull();
        assertThat(CiscoMappings.forPath("oc-if:interfaces/interface/state/counters")).isNotNull();
        assertThat(CiscoMappings.forPath("cisco-ios-xr-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters"))
                .isNotNull();
        assertThat(CiscoMappings.forPath("Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest")).isNull();
    }

    @Test
    void integersAreReadExactlyAndNeverThroughBigInteger() {
        assertThat(TelemetryReader.parseInteger("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(TelemetryReader.parseInteger("18446744073709551615")).isEqualTo(-1L);
        assertThat(TelemetryReader.parseInteger("18446744073709551616")).isNull();
        assertThat(TelemetryReader.parseInteger("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(TelemetryReader.parseInteger("-9223372036854775809")).isNull();
        assertThat(TelemetryReader.parseInteger("1".repeat(2000))).isNull();
        assertThat(TelemetryReader.parseInteger("12a")).isNull();
        assertThat(TelemetryReader.parseInteger("-")).isNull();
        assertThat(TelemetryReader.parseInteger("")).isNull();
    }

    @Test
    void jsonIsRecognisedByItsBraces() {
        assertThat(TelemetryReader.looksLikeJson(ByteString.copyFromUtf8(" \n{\"a\":1}\r\n"))).isTrue();
        assertThat(TelemetryReader.looksLikeJson(ByteString.copyFromUtf8("{\"a\":1"))).isFalse();
        assertThat(TelemetryReader.looksLikeJson(ByteString.copyFromUtf8("["))).isFalse();
        assertThat(TelemetryReader.looksLikeJson(ByteString.EMPTY)).isFalse();
    }

    @Test
    void imStatesBecomeIfMibNumbers() {
        assertThat(CiscoMappings.operStatus("im-state-up")).isEqualTo(1);
        assertThat(CiscoMappings.operStatus("im-state-down")).isEqualTo(2);
        assertThat(CiscoMappings.operStatus("im-state-admin-down")).isEqualTo(2);
        assertThat(CiscoMappings.operStatus("im-state-unknown")).isEqualTo(4);
        assertThat(CiscoMappings.operStatus("UP")).isZero();
        assertThat(CiscoMappings.adminStatus("im-state-admin-down")).isEqualTo(2);
        assertThat(CiscoMappings.adminStatus("im-state-down")).isEqualTo(1);
        assertThat(CiscoMappings.adminStatus("down")).isZero();
    }
}
