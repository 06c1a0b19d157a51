package io.teleflux.grafana;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Draws what the overlay panel would show from a query result, with Java2D: one line per series,
 * dashed with dots for SNMP as the panel's override does, out below zero. A picture for people to
 * look at (target/overlay.png), not a check.
 */
public final class OverlayPlot {
    /** One series: time (ms) and value pairs, in time order. */
    public record Line(String name, long[] times, double[] values, Color color, boolean snmp, boolean negate) {
    }

    private static final int W = 1400;
    private static final int H = 700;
    private static final int LEFT = 110;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 150;
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private OverlayPlot() {
    }

    public static void render(Path png, String title, long from, long to, List<Line> lines) throws IOException {
        double max = 1;
        for (Line l : lines) {
            for (double v : l.values()) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double scale = niceCeiling(max);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(24, 27, 31));
            g.fillRect(0, 0, W, H);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.setColor(new Color(220, 220, 220));
            g.drawString(title, LEFT, 35);

            int plotW = W - LEFT - RIGHT;
            int plotH = H - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (int i = -4; i <= 4; i++) {
                double v = scale * i / 4;
                int y = TOP + plotH / 2 - (int) Math.round(plotH / 2.0 * i / 4);
                g.setColor(i == 0 ? new Color(120, 120, 120) : new Color(55, 58, 64));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(new Color(170, 170, 170));
                g.drawString(bps(v), 10, y + 5);
            }
            long step = 120_000;
            for (long t = (from / step + 1) * step; t < to; t += step) {
                int x = LEFT + (int) Math.round((t - from) / (double) (to - from) * plotW);
                g.setColor(new Color(55, 58, 64));
                g.drawLine(x, TOP, x, TOP + plotH);
                g.setColor(new Color(170, 170, 170));
                g.drawString(HHMM.format(Instant.ofEpochMilli(t)), x - 18, TOP + plotH + 20);
            }
            g.drawString("in above zero, out below zero; time in UTC", LEFT + plotW - 290, TOP - 10);

            for (Line l : lines) {
                g.setColor(l.color());
                g.setStroke(l.snmp()
                        ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {12f, 7f}, 0f)
                        : new BasicStroke(1.5f));
                Path2D path = new Path2D.Double();
                for (int i = 0; i < l.times().length; i++) {
                    double x = LEFT + (l.times()[i] - from) / (double) (to - from) * plotW;
                    double v = l.negate() ? -l.values()[i] : l.values()[i];
                    double y = TOP + plotH / 2.0 - v / scale * plotH / 2.0;
                    if (i == 0) {
                        path.moveTo(x, y);
                    } else {
                        path.lineTo(x, y);
                    }
                    if (l.snmp()) {
                        g.fillOval((int) Math.round(x) - 4, (int) Math.round(y) - 4, 9, 9);
                    }
                }
                g.draw(path);
            }
            int ly = TOP + plotH + 50;
            int lx = LEFT;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            for (Line l : lines) {
                g.setColor(l.color());
                g.setStroke(l.snmp()
                        ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {12f, 7f}, 0f)
                        : new BasicStroke(2f));
                g.drawLine(lx, ly - 5, lx + 40, ly - 5);
                g.setColor(new Color(220, 220, 220));
                g.drawString(l.name(), lx + 50, ly);
                ly += 22;
                if (ly > H - 10) {
                    ly = TOP + plotH + 50;
                    lx += W / 2;
                }
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String bps(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format("%.2f Gb/s", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format("%.1f Mb/s", v / 1e6);
        }
        return String.format("%.0f b/s", v);
    }
}
