package io.teleflux.grafana;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dashboard JSON type-checked against {@code @grafana/schema} (the release docker-compose runs)
 * with the TypeScript compiler in strict mode: unknown keys, wrong types, missing required fields,
 * misspelled enum values, and panel options and custom field settings per panel type (see
 * src/test/resources/grafana/dashboard-types.ts). {@code bash .ci/run} installs the two npm
 * packages into .ci/node; without them this test fails.
 */
class DashboardSchemaIT {
    static final Path NODE_MODULES = GrafanaRepo.ROOT.resolve(".ci/node/node_modules");
    static final Path TSC = NODE_MODULES.resolve("typescript/bin/tsc");
    static final String HINT = "run bash .ci/run: it installs @grafana/schema and typescript into .ci/node";

    static Path workDir() throws Exception {
        Path dir = GrafanaRepo.ROOT.resolve("target/dashboard-types");
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes the wrappers and tsconfig for {@code dashboards} (file name → JSON text) and runs tsc. */
    static Exec.Result typeCheck(Path dir, Map<String, String> dashboards) throws Exception {
        assertThat(TSC).as(HINT).exists();
        assertThat(NODE_MODULES.resolve("@grafana/schema/package.json")).as(HINT).exists();
        try (var in = DashboardSchemaIT.class.getResourceAsStream("/grafana/dashboard-types.ts")) {
            Files.write(dir.resolve("dashboard-types.ts"), in.readAllBytes());
        }
        List<String> files = new ArrayList<>();
        for (var e : dashboards.entrySet()) {
            String name = e.getKey().replace(".json", ".ts");
            // the JSON literal is the dashboard file byte for byte; only the wrapper is added
            String ts = "import type { CheckedDashboard } from './dashboard-types';\n"
                    + "export const dashboard = " + e.getValue().strip() + " satisfies CheckedDashboard;\n";
            Files.writeString(dir.resolve(name), ts, StandardCharsets.UTF_8);
            files.add("\"" + name + "\"");
        }
        String schema = NODE_MODULES.resolve("@grafana/schema").toString();
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "compilerOptions": {
                    "strict": true, "noEmit": true, "skipLibCheck": false, "types": [],
                    "target": "es2022", "module": "esnext", "moduleResolution": "bundler",
                    "paths": { "@grafana/schema": ["%s"], "@grafana/schema/*": ["%s/*"] }
                  },
                  "files": [%s]
                }
                """.formatted(schema, schema, String.join(", ", files)));
        return Exec.run(dir, Map.of(), 300, "node", "/usr/bin/node", TSC.toString(), "-p", "tsconfig.json");
    }

    @Test
    void everyDashboardSatisfiesTheSchema() throws Exception {
        Map<String, String> dashboards = new java.util.LinkedHashMap<>();
        for (String name : GrafanaRepo.dashboards().keySet()) {
            dashboards.put(name, GrafanaRepo.text(GrafanaRepo.DASHBOARDS.resolve(name)));
        }
        assertThat(dashboards).hasSize(3);
        Exec.Result r = typeCheck(workDir(), dashboards);
        assertThat(r.exit()).as("tsc --strict:\n" + r.output()).isZero();
    }

    @Test
    void theCheckRejectsWhatGrafanaWouldNotAccept() throws Exception {
        String good = GrafanaRepo.text(GrafanaRepo.DASHBOARDS.resolve("interface-traffic.json"));
        Map<String, String> broken = Map.of(
                "unknown-key.json", good.replaceFirst("\"schemaVersion\": 42", "\"schemaVersion\": 42, \"timepickr\": {}"),
                "bad-enum.json", good.replaceFirst("\"displayMode\": \"table\"", "\"displayMode\": \"tabel\""),
                "bad-custom.json", good.replaceFirst("\"drawStyle\": \"line\"", "\"drawStyle\": \"line\", \"lineWidht\": 2"),
                "missing-required.json", good.replaceFirst("\"showHeader\": true,", ""),
                "bad-panel-type.json", good.replaceFirst("\"type\": \"state-timeline\"", "\"type\": \"statetimeline\""));
        for (var e : broken.entrySet()) {
            assertThat(e.getValue()).as(e.getKey() + " differs from the good file").isNotEqualTo(good);
        }
        Path dir = workDir().resolve("negative");
        Files.createDirectories(dir);
        Exec.Result r = typeCheck(dir, broken);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("unknown-key.ts(").contains("'\"timepickr\"' does not exist")
                .contains("bad-enum.ts(").contains("\"tabel\"")
                .contains("bad-custom.ts(").contains("lineWidht")
                .contains("missing-required.ts(").contains("'showHeader' is missing")
                .contains("bad-panel-type.ts(").contains("\"statetimeline\"");
    }
}
