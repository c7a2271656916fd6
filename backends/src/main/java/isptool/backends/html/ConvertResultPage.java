package isptool.backends.html;

import isptool.backends.calib.BayerPattern;
import isptool.backends.calib.CalibrationInputs;
import isptool.backends.convert.ConvertResult;
import isptool.backends.convert.QuantizedStage;
import isptool.backends.html.images.ErrorMap;
import isptool.backends.html.images.PixelRange;
import isptool.backends.html.images.RawImages;
import isptool.backends.html.images.VerificationImages;
import isptool.backends.ort.OrtRunner;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QualityReport;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole {@code convert --html} page of a finished conversion: {@link ConvertPage} (summary,
 * verification, both graphs, folds) with, between the verification and the graphs, the output
 * images on one sample, and for a quantized model the per-layer PSNR chart with its worst layers
 * named, their activation histograms and, when asked, the same graph at fp16, int8 and int16x8
 * side by side ({@link PrecisionComparison}).
 */
public final class ConvertResultPage {
    /** Worst layers marked on the chart and given a histogram. */
    public static final int WORST = 3;

    /**
     * The sample the images show.
     *
     * @param inputs the model's inputs in the ONNX layout
     * @param described what it is ("random input, seed 0", "--html-input x.png")
     * @param bayer the pattern a packed RAW input [N, 4, H, W] came from (null: shown in packing order, RGGB)
     */
    public record Sample(Map<String, Tensor> inputs, String described, BayerPattern bayer) {
    }

    private ConvertResultPage() {
    }

    /**
     * The page of r, whose model is the file model (TFLite, not yet moved to its name); loaded is
     * {@link ConvertPage#snapshot} of the graph as loaded, whose provenance r's graph tracked.
     * comparePrecisions needs r's calibration samples.
     */
    public static HtmlPage of(Path input, Graph loaded, ConvertResult r, Path model, Sample sample,
            boolean comparePrecisions) throws IOException {
        Graph g = r.conversion().graph();
        QuantizedStage q = r.quantized();
        List<Comparison> rows = q != null ? q.heldOut().stream().map(QualityReport.Row::comparison).toList()
                : r.verification() != null ? r.verification().comparisons() : List.of();
        String on = q != null ? q.heldOutWhat() : r.verification() != null ? r.verification().inputDescription() : null;
        ConvertPage.Input in = new ConvertPage.Input(input, loaded, g, TfliteModel.open(model), r.folds(), on, rows);

        Map<String, Tensor> reference = OrtRunner.runOnce(r.request().reference(), sample.inputs(),
                OrtRunner.Options.REFERENCE);
        Map<String, Tensor> written = QualityReport.outputs(model, g, r.conversion().plan(), sample.inputs());
        List<QualityReport.Row> layers = q == null ? List.of()
                : QuantizedStage.perLayer(model, g, r.conversion().plan(), sample.inputs());
        List<QualityReport.Row> worst = QuantSections.worst(layers, WORST);

        Map<String, Object> headline = new LinkedHashMap<>();
        // ONNX Conv nodes before and after the passes (a target swap that adds convs folds none away)
        headline.put("convs folded away", Math.max(0, r.before().convs() - r.after().convs()));
        headline.put("precision", name(r.precision()));
        if (!worst.isEmpty()) {
            headline.put("worst layer", layerName(worst.get(0)) + ", " + Comparison.db(worst.get(0).comparison().psnr())
                    + " dB");
        }
        String label = name(r.precision()) + " TFLite";
        return ConvertPage.of(in, headline, page -> {
            try {
                images(page.section("Output image: " + label + " against onnxruntime"), sample, reference, written,
                        label);
                if (q != null) {
                    quantization(page, r, sample, layers, worst);
                }
                if (comparePrecisions) {
                    PrecisionComparison.add(page.section("fp16, int8 and int16x8 side by side"), r, sample,
                            reference);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Input, reference, written output and error map of every output that is an image. */
    private static void images(HtmlPage.Section s, Sample sample, Map<String, Tensor> reference,
            Map<String, Tensor> written, String label) {
        s.text("On " + sample.described() + ": the input, the output of the model as trained (onnxruntime), the "
                + label + " model's output in the same pixel range, and where they differ (brighter: larger error).");
        Tensor input = sample.inputs().values().iterator().next();
        BayerPattern bayer = sample.bayer() != null || !RawImages.isPackedRaw(input.shape()) ? sample.bayer()
                : BayerPattern.RGGB;
        int shown = 0;
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            Tensor actual = written.get(e.getKey());
            if (actual == null || !VerificationImages.applies(e.getValue())) {
                continue;
            }
            HtmlPage.Section out = reference.size() == 1 ? s : s.section("output " + e.getKey());
            VerificationImages.add(out, input, bayer, e.getValue(), actual, label, errorScale(e.getValue(), actual));
            shown++;
        }
        if (shown == 0) {
            s.text("No output is an image ([N, 1|3|4, H, W]): the figures above are the whole comparison.");
        }
    }

    /**
     * White for the largest error, unless every error is below one 8-bit level of the shown pixel
     * range (a float model): then white is one level, so that invisible errors stay dark.
     */
    static ErrorMap.Scale errorScale(Tensor reference, Tensor actual) {
        PixelRange range = PixelRange.of(reference, actual);
        double maxAbs = Comparison.of("output", reference, actual).maxAbs();
        return maxAbs < (range.hi() - range.lo()) / 255 ? new ErrorMap.Scale.Amplified(255, range)
                : new ErrorMap.Scale.MaxAbs();
    }

    private static void quantization(HtmlPage page, ConvertResult r, Sample sample, List<QualityReport.Row> layers,
            List<QualityReport.Row> worst) {
        HtmlPage.Section s = page.section("Per-layer quality");
        if (!worst.isEmpty()) {
            QualityReport.Row w = worst.get(0);
            s.text(String.format(Locale.ROOT, "The layer that hurts most: %s (%s), %s dB against float32, max abs"
                    + " error %.3g, on %s.", layerName(w), w.op(), Comparison.db(w.comparison().psnr()),
                    w.comparison().maxAbs(), sample.described()));
        }
        double floor = r.request().minPsnr();
        QuantSections.perLayerPsnr(s, layers, WORST, Double.isNaN(floor) ? null : floor);
        if (r.quantized().result().summary().get("ranges") instanceof Map<?, ?> ranges && !worst.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, ?> chosen = (Map<String, ?>) ranges;
            List<QuantSections.ActivationRange> acts = QuantSections.activationRanges(r.conversion().graph(),
                    samples(r.request().calibration(), sample), worst, chosen);
            if (!acts.isEmpty()) {
                QuantSections.activationHistograms(page.section("Activation ranges of the worst layers"), acts);
            }
        }
    }

    /** Up to {@link QuantizedStage#QUALITY_SAMPLES} calibration samples evenly spread, else the page's sample. */
    private static List<Map<String, Tensor>> samples(CalibrationInputs calib, Sample sample) {
        if (calib == null || calib.size() == 0) {
            return List.of(sample.inputs());
        }
        int n = Math.min(QuantizedStage.QUALITY_SAMPLES, calib.size());
        List<Map<String, Tensor>> r = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            r.add(calib.sample((int) ((long) k * calib.size() / n)));
        }
        return r;
    }

    static String layerName(QualityReport.Row row) {
        return row.node().isEmpty() ? row.tensor() : row.node();
    }

    static String name(Precision p) {
        return p.name().toLowerCase(Locale.ROOT);
    }
}
