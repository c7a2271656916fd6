package isptool.backends.html;

import isptool.backends.convert.Conversion;
import isptool.backends.convert.ConvertResult;
import isptool.backends.convert.QuantizedStage;
import isptool.backends.html.images.ErrorLegend;
import isptool.backends.html.images.ErrorMap;
import isptool.backends.html.images.PixelRange;
import isptool.backends.html.images.Png;
import isptool.backends.html.images.TensorImages;
import isptool.backends.quant.Precision;
import isptool.backends.quant.Progress;
import isptool.backends.quant.QualityReport;
import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import isptool.graph.io.TempFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code convert --html --compare-precisions}: the conversion's folded graph quantized again at
 * fp16, int8 and int16x8 (by {@link Conversion#requantize}, the conversion's own quantization and
 * options), each run on the page's sample: one row per precision with its PSNR and max abs error
 * against onnxruntime, its output image and its error map. All rows share the reference's pixel
 * range and one error scale (white: the largest error of the three), so that they compare by eye.
 */
public final class PrecisionComparison {
    /** The precisions compared, one row each in this order. */
    public static final List<Precision> PRECISIONS = List.of(Precision.FP16, Precision.INT8, Precision.INT16X8);

    /** One precision's result on the sample: its first image output and the comparison of that output. */
    record Row(Precision precision, Tensor output, Comparison comparison, QuantizedStage stage) {
    }

    private PrecisionComparison() {
    }

    static void add(HtmlPage.Section s, ConvertResult r, ConvertResultPage.Sample sample, Map<String, Tensor> reference)
            throws IOException {
        Map.Entry<String, Tensor> image = reference.entrySet().stream()
                .filter(e -> TensorImages.isImage(e.getValue().shape())).findFirst().orElse(null);
        List<Row> rows = new ArrayList<>();
        Path file = TempFiles.inSystemTemp("isptool-compare");
        try {
            for (Precision p : PRECISIONS) {
                QuantizedStage stage = Conversion.requantize(r, p, file, sample.inputs(), sample.described(),
                        Progress.NONE);
                Map<String, Tensor> out = QualityReport.outputs(file, r.conversion().graph(), r.conversion().plan(),
                        sample.inputs());
                String name = image != null ? image.getKey() : reference.keySet().iterator().next();
                rows.add(new Row(p, out.get(name), Comparison.of(name, reference.get(name), out.get(name)), stage));
            }
        } finally {
            TempFiles.delete(file);
        }
        s.text("The same folded graph quantized at each precision with the same calibration samples and options, run"
                + " on " + sample.described() + " and compared with onnxruntime on the model as trained.");
        List<List<?>> table = new ArrayList<>();
        for (Row row : rows) {
            Comparison c = row.comparison();
            table.add(List.of(ConvertResultPage.name(row.precision()), row.stage().operators(), Comparison.db(c.psnr()),
                    String.format(Locale.ROOT, "%.3g", c.maxAbs()), String.format(Locale.ROOT, "%.6f", c.cosine())));
        }
        s.table(List.of("precision", "operators", "PSNR dB", "max abs error", "cosine"), table);
        if (image == null) {
            s.text("No output is an image ([N, 1|3|4, H, W]), so no images are shown.");
            return;
        }
        PixelRange range = PixelRange.of(image.getValue());
        s.text("Pixel range of the outputs: " + range.describe() + ".");
        double worst = rows.stream().mapToDouble(row -> row.comparison().maxAbs()).filter(Double::isFinite).max()
                .orElse(0);
        ErrorMap.Scale scale = worst > 0 ? new ErrorMap.Scale.Amplified(twoDigitsDown((range.hi() - range.lo()) / worst),
                range) : new ErrorMap.Scale.MaxAbs();
        ErrorMap legend = null;
        for (Row row : rows) {
            Comparison c = row.comparison();
            HtmlPage.Section sub = s.section(String.format(Locale.ROOT, "%s: PSNR %s dB, max abs error %.3g",
                    ConvertResultPage.name(row.precision()), Comparison.db(c.psnr()), c.maxAbs()));
            String name = ConvertResultPage.name(row.precision());
            png(sub, TensorImages.image(row.output(), range), name + " output");
            legend = ErrorMap.of(image.getValue(), row.output(), scale);
            png(sub, legend.image(), name + " abs error, largest " + String.format(Locale.ROOT, "%.3g",
                    legend.maxAbs()));
        }
        png(s, ErrorLegend.image(), ErrorLegend.caption(legend) + " (one scale for the three rows)");
    }

    /** x rounded down to two significant digits (an amplification the caption can print: 153.8 → 150). */
    static double twoDigitsDown(double x) {
        double unit = Math.pow(10, Math.floor(Math.log10(x)) - 1);
        return Math.floor(x / unit) * unit;
    }

    private static void png(HtmlPage.Section s, BufferedImage img, String caption) {
        s.png(Png.bytes(img), img.getWidth(), img.getHeight(), caption);
    }
}
