package io.teleflux.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStatsTest {

    @Test
    void heapInUseIsReadForG1AndSummedOverTheGenerationsOfParallelAndSerialGc() {
        // as JDK 25's jcmd prints them
        String g1 = """
                27829:
                garbage-first heap   total reserved 6172672K, committed 393216K, used 12183K [0x0000000687400000, 0x0000000800000000)
                 region size 4096K, 3 young (12288K), 1 survivors (4096K)
                 Metaspace       used 800K, committed 960K, reserved 1114112K
                  class space    used 70K, committed 192K, reserved 1048576K
                """;
        String serial = """
                27873:
                DefNew     total 116160K, used 31005K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  30% used [0x0000000687400000, 0x0000000689247550, 0x000000068d8e0000)
                 from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                 the  space 258048K,   0% used [0x0000000704d50000, 0x0000000704e73ab8, 0x0000000714950000)
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
        assertThat(ProcessStats.heapUsedKb(g1)).isEqualTo(12183);
        assertThat(ProcessStats.heapUsedKb(serial)).isEqualTo(31005 + 1166);
        assertThat(ProcessStats.heapUsedKb(parallel)).isEqualTo(29704 + 252727);
        assertThat(ProcessStats.heapUsedKb("")).isEqualTo(-1);
    }
}
