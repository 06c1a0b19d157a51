package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.sim.CounterModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux simulate} for a few seconds against a real gRPC server on loopback. */
class SimulateCommandIT {

    /** The CLI's wall-clock mode: aligned sample instants, state tables at stream start, a clean end. */
    @Test
    void runsOnTheWallClockForTheGivenDurationAndEndsStreamsCleanly() throws Exception {
        try (DialoutRecorder rec = DialoutRecorder.start(0)) {
            SimulateCommandTest.Run r = SimulateCommandTest.run("--dialout", "127.0.0.1:" + rec.port(), "--devices", "2", "--interfaces", "4",
                    "--interval", "1s", "--duration", "5s", "--seed", "9", "--device-prefix", "lab-");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("sim: 0/2 connected").contains("(stopped)");

            CounterModel model = new CounterModel(9, 4, "lab-");
            H3cJsonWriter writer = new H3cJsonWriter(model);
            ObjectMapper json = new ObjectMapper();
            DialoutSimulatorIT.await("both streams to end", () -> rec.streamsCompleted.get() == 2);
            assertThat(rec.completedDevices).containsExactlyInAnyOrder("lab-0001", "lab-0002");
            assertThat(rec.streamsFailed.get()).isZero();
            for (String device : List.of("lab-0001", "lab-0002")) {
                int d = model.deviceIndex(device);
                List<DialoutMsg> msgs = rec.of(device);
                List<Long> statsTimes = new ArrayList<>();
                for (DialoutMsg m : msgs) {
                    if (m.getSensorPath().equals("Ifmgr/Statistics")) {
                        statsTimes.add(json.readTree(m.getJsonData()).at("/Notification/Timestamp").asLong());
                    }
                }
                assertThat(statsTimes).as(device).hasSizeGreaterThanOrEqualTo(2);
                for (int k = 1; k < statsTimes.size(); k++) {
                    assertThat(statsTimes.get(k) - statsTimes.get(k - 1)).isEqualTo(1000);
                }
                // the first sample of a stream carries every path
                assertThat(msgs.subList(0, 5).stream().map(DialoutMsg::getSensorPath))
                        .containsExactlyInAnyOrder("Ifmgr/Statistics", "Ifmgr/Interfaces", "Device/CPUs",
                                "Diagnostic/Memories", "Device/Base");
                for (DialoutMsg m : msgs) {
                    long t = json.readTree(m.getJsonData()).at("/Notification/Timestamp").asLong();
                    assertThat(m.getJsonData()).isEqualTo(writer.json(SensorPath.parse(m.getSensorPath()), d, t));
                }
            }
        }
    }
}
