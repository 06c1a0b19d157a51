package io.teleflux.sim.gnmi;

import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;

/**
 * One device of the {@link CounterModel} at one instant, as the {@link OcLeaf}s read it: counters
 * are computed at most once per interface and only when a counter leaf asks for them; the device
 * gauges at most once per reading. Used by one thread at a time.
 */
final class Reading {
    private final CounterModel model;
    private final int device;
    private final long timeMs;
    private int position = -1;
    private InterfaceProfile profile;
    private InterfaceSample sample;
    private DeviceSample deviceSample;

    Reading(CounterModel model, int device, long timeMs) {
        this.model = model;
        this.device = device;
        this.timeMs = timeMs;
    }

    long timeMs() {
        return timeMs;
    }

    /** Points the interface leaves at the interface at {@code position} (0-based, the model's order). */
    Reading at(int position) {
        if (position != this.position) {
            this.position = position;
            this.profile = model.iface(device, position);
            this.sample = null;
        }
        return this;
    }

    InterfaceProfile profile() {
        return profile;
    }

    InterfaceSample sample() {
        if (sample == null) {
            sample = model.sample(device, position, timeMs);
        }
        return sample;
    }

    DeviceSample device() {
        if (deviceSample == null) {
            deviceSample = model.deviceSample(device, timeMs);
        }
        return deviceSample;
    }

    Object value(OcLeaf leaf) {
        return leaf.value.apply(this);
    }
}
