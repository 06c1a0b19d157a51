package io.teleflux.sim.dialout;

/**
 * A snapshot of the fleet's counters.
 *
 * @param messagesSent    messages handed to the transport
 * @param pointsSent      table rows in those messages
 * @param messagesDropped lost on the device side: produced while disconnected, or with a full backlog
 * @param reconnects      streams established again after a device had lost one
 * @param streamFailures  streams that ended other than by {@link DialoutSimulator#close()}
 * @param samplesSkipped  wall-clock samples skipped because the simulator fell more than an interval behind
 */
public record DialoutStats(int devices, int connected, long messagesSent, long pointsSent, long bytesSent,
                           long messagesDropped, long reconnects, long streamFailures, long samplesSkipped) {

    /** The progress line; rates are taken against {@code previous}, {@code seconds} earlier. */
    public String progressLine(DialoutStats previous, double seconds) {
        double msgRate = seconds > 0 ? (messagesSent - previous.messagesSent) / seconds : 0;
        double pointRate = seconds > 0 ? (pointsSent - previous.pointsSent) / seconds : 0;
        return String.format("sim: %d/%d connected, %d msgs, %d points, %.1f msg/s, %.0f points/s, dropped %d,"
                        + " reconnects %d", connected, devices, messagesSent, pointsSent, msgRate, pointRate,
                messagesDropped, reconnects);
    }
}
