package isptool.cli;

import isptool.backends.calib.ImageOptions;
import isptool.backends.calib.SampleFile;
import isptool.backends.convert.ConvertResult;
import isptool.backends.html.ConvertPage;
import isptool.backends.html.ConvertResultPage;
import isptool.backends.html.HtmlPage;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code convert --html FILE [--html-input x.png|x.npy] [--compare-precisions]}: the checks before
 * any work, the graph as loaded (taken before the passes, which then record what they fold), and
 * the page of the written model. The page is written only for a model that was written: after a
 * failed verification or quality gate convert writes neither the model nor the page.
 */
final class ConvertHtml {
    @Option(names = "--html", paramLabel = "FILE", description = "Also write a page (one self-contained HTML file)"
            + " with the graph as trained and as written side by side (each fold drawn as the nodes it replaced),"
            + " the verification, the input, reference output, written output and error map as images, and for a"
            + " quantized model the per-layer PSNR with its worst layers and their activation ranges. Written"
            + " after the model, only when the model is written. TFLite backend only.")
    Path html;

    @Option(names = "--html-input", paramLabel = "x.png|x.npy", description = "With --html: the sample the page's"
            + " images show: a PNG/JPEG read as calibration images are (8-bit scaled to [0, 1]; --bayer packs a RAW"
            + " mosaic) or a float32 .npy tensor, of exactly the input's shape (default: the held-out calibration"
            + " sample, else the verification input).")
    Path htmlInput;

    @Option(names = "--compare-precisions", description = "With --html and --calibration: also quantize the folded"
            + " graph at fp16, int8 and int16x8 and show the three side by side (output image, error map, PSNR).")
    boolean comparePrecisions;

    /** What the page needs from before the passes: the graph as loaded and the sample. */
    record Prepared(Path page, Graph loaded, ConvertResultPage.Sample sample, boolean comparePrecisions) {
        /** The page of a conversion that succeeded, its model still in the file model. */
        HtmlPage build(Path input, ConvertResult r, Path model) throws IOException {
            return ConvertResultPage.of(input, loaded, r, model, sample, comparePrecisions);
        }

        /** Writes the page (whole or not at all) and says so. */
        void write(HtmlPage p, PrintWriter out) throws IOException {
            p.write(page);
            out.printf("  wrote page %s (%s)%n", page, Reports.size(Files.size(page)));
        }
    }

    /** Refuses, before any work, a page that could not be written or would overwrite another file. */
    void check(CommandLine cl, Path input, Path output, Path report, boolean qnnBackend, boolean noVerify,
            boolean calibration) throws IOException {
        if (html == null) {
            if (htmlInput != null || comparePrecisions) {
                throw new CommandLine.ParameterException(cl, (htmlInput != null ? "--html-input" : "--compare-precisions")
                        + " adds to the page of --html FILE; give --html too");
            }
            return;
        }
        if (qnnBackend) {
            throw new CommandLine.ParameterException(cl, "--html draws the TFLite model convert writes; it does not"
                    + " apply to --backend qnn (convert with --backend tflite for the page)");
        }
        if (noVerify) {
            throw new CommandLine.ParameterException(cl, "--html shows a verified model; drop --no-verify");
        }
        if (comparePrecisions && !calibration) {
            throw new CommandLine.ParameterException(cl, "--compare-precisions quantizes to int8 and int16x8: give"
                    + " --calibration DIR too");
        }
        ModelJob.checkNotInput(input, html, "--html");
        sameFile(html, output, "-o");
        if (report != null) {
            sameFile(html, report, "--report");
        }
        AtomicFiles.checkWritable(html);
    }

    private static void sameFile(Path html, Path other, String option) throws IOException {
        if (html.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize())
                || Files.exists(html) && Files.exists(other) && Files.isSameFile(html, other)) {
            throw new ModelException(html + ": --html names the same file as " + option + "; give the page its own"
                    + " name");
        }
    }

    /**
     * With --html, before the passes: the graph as loaded (g then tracks what the passes fold) and
     * the sample (--html-input, checked now, or the held-out sample: the last calibration sample, else
     * the verification input); null without --html.
     */
    Prepared prepare(Graph g, ImageOptions image, Map<String, Tensor> verifyInputs, String verifyDescribed) {
        if (html == null) {
            return null;
        }
        ConvertResultPage.Sample sample = htmlInput == null
                ? new ConvertResultPage.Sample(verifyInputs, verifyDescribed, image.bayer())
                : new ConvertResultPage.Sample(SampleFile.read(g, htmlInput, image, "--html-input"),
                        "--html-input " + htmlInput.getFileName(), image.bayer());
        Graph loaded = ConvertPage.snapshot(g);
        g.trackProvenance();
        return new Prepared(html, loaded, sample, comparePrecisions);
    }
}
