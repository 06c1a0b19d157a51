package io.teleflux.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStatsTest {

    @Test
    void heapInUseIsReadForG1AndSummedOverTheGenerationsOfParallelGc() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 53279K [0x00000000e0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 800K, committed 960K, reserved 1114112K
                  class space    used 70K, committed 192K, reserved 1048576K
                """;
        String parallel = """
                19643:
                PSYoungGen      total 124416K, used 29704K [0x00000000f5580000, 0x0000000100000000, 0x0000000100000000)
                 eden space 80896K, 28% used [0x00000000f5580000,0x00000000f6be12a8,0x00000000fa480000)
                 from space 43520K, 15% used [0x00000000fa480000,0x00000000fab20e08,0x00000000fcf00000)
                ParOldGen       total 258048K, used 252727K [0x00000000e0000000, 0x00000000efc00000, 0x00000000f5580000)
                 object space 258048K, 97% used [0x00000000e0000000,0x00000000ef6cdc68,0x00000000efc00000)
                 Metaspace       used 61069K, committed 61696K, reserved 1114112K
                """;
        assertThat(ProcessStats.heapUsedKb(g1)).isEqualTo(53279);
        assertThat(ProcessStats.heapUsedKb(parallel)).isEqualTo(29704 + 252727);
        assertThat(ProcessStats.heapUsedKb("")).isEqualTo(-1);
    }
}
