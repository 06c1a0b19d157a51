package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.Point;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of decoding one message: the points so far, the rows, and the issues met (published
 * by {@link HuaweiDecoder} once the message is done, so a rejected message counts only its reason).
 */
final class Scratch {
    final List<Point> points = new ArrayList<>();
    final int[] counts = new int[Issue.ALL.length];
    final String[] first = new String[Issue.ALL.length];
    final String device;
    final int maxRows;
    final int maxDepth;

    Scratch(String device, int maxRows, int maxDepth) {
        this.device = device;
        this.maxRows = maxRows;
        this.maxDepth = maxDepth;
    }

    void count(Issue issue, String detail) {
        int i = issue.ordinal();
        if (issue.perMessage && counts[i] > 0) {
            return;
        }
        if (counts[i]++ == 0) {
            first[i] = detail;
        }
    }

    boolean has(Issue issue) {
        return counts[issue.ordinal()] > 0;
    }

    /** Adds a point, refusing the message once it holds more than max-rows of them. */
    void add(Point p) throws DecodeException {
        if (points.size() >= maxRows) {
            throw new DecodeException(DecodeException.TOO_MANY_ROWS,
                    "more than " + maxRows + " rows (teleflux.dialout.max-rows)");
        }
        points.add(p);
    }
}
