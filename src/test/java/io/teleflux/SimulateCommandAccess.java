package io.teleflux;

import io.teleflux.sim.dialout.DialoutSettings;

/** Lets tests in other packages read what a parsed {@link SimulateCommand} would run with. */
public final class SimulateCommandAccess {
    private SimulateCommandAccess() {
    }

    public static DialoutSettings settings(SimulateCommand parsed) {
        return parsed.settings();
    }
}
