package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The live view in a real browser (Debian's headless Chromium through Debian's chromedriver): a
 * real collector fed by the dial-out simulator and an SNMP agent, writing to a real influxd. The
 * page must show, for the device picked in it, exactly the rates the collector wrote to InfluxDB
 * for the same samples, label each series with its source, grey the device out once it stops
 * sending, and rank the fleet's busiest interfaces as InfluxDB's last values rank them.
 */
class LiveViewBrowserIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int DEVICES = 4;
    private static final int INTERFACES = 6;
    private static final int TOP = 10;
    /** Also the SNMP poll interval: a series counts as stale after 2.5 of them, a window wide enough to read the fleet. */
    private static final long SEND_INTERVAL_MS = 2_000;

    @Test
    void pageShowsTheRatesWrittenToInfluxAndRanksTheFleet() throws Exception {
        CounterModel model = new CounterModel(23, INTERFACES, "lv-");
        String device = model.deviceName(0); // also polled over SNMP, so it has both sources
        try (InfluxdFixture influx = InfluxdFixture.launch();
             SnmpAgentSimulator agent = new SnmpAgentSimulator(model, 1, "127.0.0.1", 0, List.of())) {
            agent.start();
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux.live.top = %d
                    teleflux.snmp {
                      interval = %ds
                      timeout = 1s
                      targets = [ { name = "%s", address = "127.0.0.1:%d", version = "2c", community = "%s" } ]
                    }
                    """.formatted(TOP, SEND_INTERVAL_MS / 1000, device, agent.port(), device));
            Path profile = TempDirs.create("teleflux-chromium-");
            WebDriver browser = null;
            try (DialoutSimulator sim = new DialoutSimulator(model,
                    DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), DEVICES)
                            .withInterval(Duration.ofMillis(SEND_INTERVAL_MS)))) {
                // the page is opened on a collector that has no device yet, as after `docker compose up`
                browser = chromium(profile);
                String base = "http://127.0.0.1:" + collector.httpPort();
                browser.get(base + "/live");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                wait.until(d -> "0 devices".equals(d.findElement(By.id("device-count")).getText()));

                sim.start();
                assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();
                Sender sender = new Sender(sim);
                sender.start();

                // the search lists a device from its first rate (its second sample): wait for that, or the
                // box would be typed into before there is anything to find
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                java.net.URI devices = java.net.URI.create(base + "/live/api/devices?q=" + device);
                assertThat(TestCollector.await(60, () -> {
                    try {
                        return http.send(java.net.http.HttpRequest.newBuilder(devices).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains("\"device\":\"" + device + "\"");
                    } catch (Exception e) {
                        return false;
                    }
                })).as("the collector lists %s", device).isTrue();
                // the empty list fills in by itself, without typing or reloading
                wait.until(d -> d.findElements(By.cssSelector("#device-results li")).size() == DEVICES);

                // pick the device through the search box, as an operator would
                WebElement search = browser.findElement(By.id("device-search"));
                search.sendKeys(device.substring(device.length() - 4));
                By result = By.cssSelector("#device-results li[data-device='" + device + "']");
                wait.until(d -> !d.findElements(result).isEmpty());
                browser.findElement(result).click();
                wait.until(d -> device.equals(d.findElement(By.id("device-title")).getAttribute("data-device")));

                // every interface appears once per source, with values, and values move as samples arrive
                wait.until(d -> rows(d, "#interfaces").stream().filter(r -> !r.get("t").isEmpty()).count() == 2L * INTERFACES);
                List<Map<String, String>> first = rows(browser, "#interfaces");
                assertThat(first).extracting(r -> r.get("source")).containsOnly("telemetry", "snmp");
                long firstT = telemetryT(first);
                wait.until(d -> telemetryT(rows(d, "#interfaces")) > firstT);
                assertThat(browser.findElements(By.cssSelector("#interfaces tbody tr input.pin:checked")))
                        .as("the busiest few interfaces are pinned to the chart by default").hasSize(4);
                assertThat(browser.findElements(By.cssSelector("#chart canvas"))).as("uPlot drew the chart").isNotEmpty();
                assertThat(browser.findElement(By.id("device-title")).getAttribute("class")).doesNotContain("stale");

                screenshot(browser, "live-view-device.png");

                // the devices fall silent: before they count as stale (2.5 intervals) the fleet table holds
                // still, ranked as InfluxDB's last values of every series rank them
                sender.stopAndJoin();
                agent.close();
                List<Map<String, String>> fleet = stableFleet(browser);
                screenshot(browser, "live-view-fleet.png");
                TestCollector.flush(collector);
                List<String> expectedTop = topByUtil(influx);
                assertThat(fleet).extracting(r -> r.get("device") + "|" + r.get("interface") + "|" + r.get("source"))
                        .as("fleet ranking").containsExactlyElementsOf(expectedTop.subList(0, Math.min(TOP, expectedTop.size())));
                for (Map<String, String> row : fleet) {
                    Map<String, Object> stored = storedAt(influx, row.get("device"), row.get("interface"), row.get("source"),
                            Long.parseLong(row.get("t")));
                    assertThat(stored).as("InfluxDB has the fleet row's sample: %s", row).isNotNull();
                    assertThat(Double.parseDouble(row.get("in-bps"))).isCloseTo(((Number) stored.get("in_bps")).doubleValue(),
                            within(Math.abs(((Number) stored.get("in_bps")).doubleValue()) * 1e-12));
                }

                // then the page greys the device out, and keeps showing the last values
                wait.until(d -> d.findElement(By.id("device-title")).getAttribute("class").contains("stale"));
                List<Map<String, String>> shown = rows(browser, "#interfaces");
                assertThat(shown).hasSize(2 * INTERFACES);
                for (Map<String, String> row : shown) {
                    Map<String, Object> stored = storedAt(influx, device, row.get("interface"), row.get("source"),
                            Long.parseLong(row.get("t")));
                    assertThat(stored).as("InfluxDB has the sample the page shows: %s", row).isNotNull();
                    for (String f : List.of("in_bps", "out_bps", "in_pps", "out_pps")) {
                        double expected = ((Number) stored.get(f)).doubleValue();
                        assertThat(Double.parseDouble(row.get(f.replace('_', '-'))))
                                .as("%s of %s/%s at %s", f, row.get("interface"), row.get("source"), row.get("t"))
                                .isCloseTo(expected, within(Math.abs(expected) * 1e-12));
                    }
                }
                assertThat(browser.findElements(By.cssSelector("#interfaces tbody tr.stale")))
                        .as("every series of the silent device is greyed out").hasSize(2 * INTERFACES);
            } finally {
                if (browser != null) {
                    browser.quit();
                }
                collector.close();
                TempDirs.delete(profile);
            }
        }
    }

    /** The fleet table once two reads a second apart agree (and it is not empty). */
    private static List<Map<String, String>> stableFleet(WebDriver browser) throws InterruptedException {
        List<Map<String, String>> last = List.of();
        for (int i = 0; i < 20; i++) {
            List<Map<String, String>> now = rows(browser, "#fleet");
            if (!now.isEmpty() && now.equals(last)) {
                return now;
            }
            last = now;
            Thread.sleep(1_000);
        }
        throw new AssertionError("the fleet table never held still: " + last);
    }

    /** Sends a sample of every device every {@link #SEND_INTERVAL_MS} from a clock of its own, so the test can stop it. */
    private static final class Sender extends Thread {
        private final DialoutSimulator sim;
        private volatile boolean stop;

        Sender(DialoutSimulator sim) {
            super("live-it-sender");
            this.sim = sim;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                try {
                    sim.sendSample(System.currentTimeMillis()).get();
                    Thread.sleep(SEND_INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop = true;
            join(10_000);
        }
    }

    private static WebDriver chromium(Path profile) {
        // Debian's driver and browser: Selenium Manager must not try to download either
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1700", "--user-data-dir=" + profile);
        return new ChromeDriver(service, options);
    }

    /** Every row of a table with its data attributes, read in one script so no update lands halfway. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> rows(WebDriver d, String table) {
        Object r = ((JavascriptExecutor) d).executeScript("""
                return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr[data-interface]')).map(tr => ({
                  device: tr.dataset.device || '', interface: tr.dataset.interface, source: tr.dataset.source,
                  t: tr.dataset.t || '', 'in-bps': tr.dataset.inBps || '', 'out-bps': tr.dataset.outBps || '',
                  'in-pps': tr.dataset.inPps || '', 'out-pps': tr.dataset.outPps || '', util: tr.dataset.util || ''}));
                """, table);
        return (List<Map<String, String>>) r;
    }

    private static long telemetryT(List<Map<String, String>> rows) {
        return rows.stream().filter(r -> "telemetry".equals(r.get("source")) && !r.get("t").isEmpty())
                .mapToLong(r -> Long.parseLong(r.get("t"))).max().orElse(0);
    }

    private static Map<String, Object> storedAt(InfluxdFixture influx, String device, String iface, String source, long t) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_bps, out_bps, in_pps, out_pps FROM interface"
                + " WHERE device = '" + device + "' AND interface = '" + iface + "' AND source = '" + source
                + "' AND time = " + t + "ms");
        if (r.isEmpty() || r.single().size() != 1) {
            return null;
        }
        return r.single().row(0);
    }

    /** "device|interface|source" of every series with a known utilisation, busiest first (ties by device, interface, source). */
    private static List<String> topByUtil(InfluxdFixture influx) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT last(in_util_pct) AS i, last(out_util_pct) AS o"
                + " FROM interface GROUP BY device, interface, source");
        record Ranked(String key, String device, String iface, double util) {
        }
        List<Ranked> ranked = new ArrayList<>();
        for (InfluxQueryResult.Series s : r.series()) {
            Object i = s.value(0, "i");
            Object o = s.value(0, "o");
            if (i == null && o == null) {
                continue;
            }
            double util = Math.max(i == null ? 0 : ((Number) i).doubleValue(), o == null ? 0 : ((Number) o).doubleValue());
            Map<String, String> tags = s.tags();
            ranked.add(new Ranked(tags.get("device") + "|" + tags.get("interface") + "|" + tags.get("source"),
                    tags.get("device"), tags.get("interface"), util));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::util).reversed()
                .thenComparing(Ranked::device).thenComparing(Ranked::iface).thenComparing(Ranked::key));
        return ranked.stream().map(Ranked::key).toList();
    }

    private static void screenshot(WebDriver d, String name) throws Exception {
        File png = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.copy(png.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    }
}
