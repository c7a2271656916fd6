package isptool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import isptool.backends.bench.BenchRun;
import isptool.backends.html.BenchPage;
import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.RegularFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code bench --html FILE [--html-from A.json,B.json]}: the checks before the bench runs (the page
 * can be written, the earlier results are bench --json files), and the page after it, with the
 * earlier results' medians drawn before this run's as a trend.
 */
final class BenchHtml {
    private final Path html;
    private final List<BenchPage.Earlier> earlier;

    private BenchHtml(Path html, List<BenchPage.Earlier> earlier) {
        this.html = html;
        this.earlier = earlier;
    }

    /** Checks the page's file and reads the earlier results; fails with one line naming the file. */
    static BenchHtml prepare(Path model, Path html, List<Path> from) throws IOException {
        ModelJob.checkNotInput(model, html, "--html");
        AtomicFiles.checkWritable(html);
        List<BenchPage.Earlier> earlier = new ArrayList<>();
        for (Path f : from) {
            earlier.add(read(f));
        }
        return new BenchHtml(html, earlier);
    }

    /**
     * One earlier bench's medians: each run's {@code inference.median_us} (else {@code avg_us}) in ms,
     * null for a run without result; labelled by the file's name without {@code .json}.
     */
    static BenchPage.Earlier read(Path file) {
        RegularFiles.require(file, file.toString(), "a JSON file bench --json wrote, for --html-from");
        JsonNode root = Reports.readJson(file, "give --html-from files bench --json wrote");
        if (!"bench".equals(root.path("command").asText()) || !root.path("runs").isArray()) {
            throw new ModelException(file + ": not a bench result (no \"command\": \"bench\" with \"runs\"); give"
                    + " --html-from files bench --json wrote");
        }
        List<BenchPage.Median> medians = new ArrayList<>();
        for (JsonNode run : root.path("runs")) {
            JsonNode stats = run.path("inference");
            JsonNode us = stats.path("median_us").isNumber() ? stats.path("median_us") : stats.path("avg_us");
            medians.add(new BenchPage.Median(run.path("target").asText("?"), run.path("delegate").asText("?"),
                    us.isNumber() ? us.asDouble() / 1000 : null));
        }
        String name = file.getFileName().toString();
        return new BenchPage.Earlier(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name, medians);
    }

    /**
     * Writes the page of the rows.
     *
     * @param where how the model ran (the page's subtitle)
     * @param devices the --json's device facts by serial (model, soc, sdk, abi)
     * @param failureOf why a row failed, null when it did not
     * @param scoreOf a row's MAI 2021 score, null when unknown
     */
    void write(String model, String where, Map<String, Object> devices, List<BenchRun> rows,
            Function<BenchRun, String> failureOf, Function<BenchRun, Double> scoreOf, Double psnr, String psnrSource)
            throws IOException {
        BenchPage page = new BenchPage(model, where);
        devices.forEach((serial, facts) -> {
            if (facts instanceof Map<?, ?> f && f.get("model") != null) {
                page.target(serial, f.get("model") + ", " + f.get("soc") + ", Android SDK " + f.get("sdk") + ", "
                        + f.get("abi") + (f.get("htp_arch") == null ? "" : ", HTP " + f.get("htp_arch")));
            }
        });
        for (BenchRun r : rows) {
            page.row(r, failureOf.apply(r), scoreOf.apply(r));
        }
        if (psnr != null) {
            page.psnr(psnr, psnrSource);
        }
        page.earlier(earlier).page().write(html);
    }
}
