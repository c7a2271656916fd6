package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * A float TFLite model lowered as convert does (reparam, tflite-prep, shapes, NHWC plan), smooth
 * random images as calibration and evaluation data, and the PSNR of a quantized model's output
 * against onnxruntime.
 */
public final class QuantFixture {
    public final Graph g;
    public final LayoutPlan plan;
    public final Path floatModel;
    final Path dir;

    public QuantFixture(Graph g, Path dir) throws IOException {
        this.g = g;
        this.dir = dir;
        ShapeInference.run(g);
        this.plan = LayoutPlan.of(g, true);
        this.floatModel = dir.resolve(g.name() + ".float.tflite");
        OnnxToTflite.lower(g, plan).write(floatModel);
    }

    /** A testdata network, converted. */
    public static QuantFixture testdata(String name, Path dir) throws IOException {
        Path root = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        assertTrue(Files.isDirectory(root), "testdata at " + root);
        Graph g = OnnxImporter.load(root.resolve(name + ".onnx"));
        g.setName(name);
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        Pipelines.tflitePrep().run(g, report);
        return new QuantFixture(g, dir);
    }

    /** Smooth images in [0, 1]: a few random low-frequency waves per channel over a random level. */
    public Map<String, Tensor> image(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Value in : g.inputs()) {
            long[] s = in.shape().dims();
            int c = (int) s[1];
            int h = (int) s[2];
            int w = (int) s[3];
            float[] v = new float[(int) (s[0] * c * h * w)];
            for (int b = 0; b < s[0]; b++) {
                for (int ch = 0; ch < c; ch++) {
                    double level = 0.2 + 0.6 * r.nextDouble();
                    double[][] waves = new double[3][4];
                    for (double[] wave : waves) {
                        wave[0] = 0.05 + 0.15 * r.nextDouble();
                        wave[1] = r.nextGaussian() * 0.3;
                        wave[2] = r.nextGaussian() * 0.3;
                        wave[3] = r.nextDouble() * 2 * Math.PI;
                    }
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            double p = level;
                            for (double[] wave : waves) {
                                p += wave[0] * Math.sin(wave[1] * x + wave[2] * y + wave[3]);
                            }
                            v[((b * c + ch) * h + y) * w + x] = (float) Math.max(0, Math.min(1, p));
                        }
                    }
                }
            }
            m.put(in.name(), Tensor.ofFloats(s, v));
        }
        return m;
    }

    /** n smooth images as calibration samples (seeds 1000..). */
    public CalibrationSource calibration(int n) {
        return source(n, i -> image(1000 + i));
    }

    /** n calibration samples made by the function. */
    public static CalibrationSource source(int n, IntFunction<Map<String, Tensor>> samples) {
        return new CalibrationSource() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Map<String, Tensor> sample(int i) {
                return samples.apply(i);
            }

            @Override
            public String describe(int i) {
                return "smooth image " + i;
            }
        };
    }

    public QuantResult quantize(Precision p, CalibrationMethod method, boolean biasCorrection, String floatOps)
            throws IOException {
        return quantize(p, method, biasCorrection, floatOps, false);
    }

    QuantResult quantize(Precision p, CalibrationMethod method, boolean biasCorrection, String floatOps,
            boolean strictInt8) throws IOException {
        return quantize(new QuantOptions(p, IoType.FLOAT32, method, biasCorrection,
                floatOps == null ? null : java.util.regex.Pattern.compile(floatOps), strictInt8));
    }

    /** Quantizes with these options on 16 smooth calibration images. */
    QuantResult quantize(QuantOptions o) throws IOException {
        return Quantizer.quantize(floatModel, g, plan, o.precision().isInteger() ? calibration(16) : null, o,
                Progress.NONE);
    }

    public Path write(QuantResult r, String label) throws IOException {
        Path f = dir.resolve(g.name() + "." + label + ".tflite");
        r.model().write(f);
        return f;
    }

    /** Writes r to a file named after its precision. */
    public Path model(QuantResult r) throws IOException {
        return write(r, r.summary().get("precision") + "-" + System.nanoTime());
    }

    /** The mean output PSNR over two held-out smooth images (seeds 1 and 2). */
    public double psnr(Path model) {
        double sum = 0;
        List<Long> seeds = List.of(1L, 2L);
        for (long seed : seeds) {
            List<QualityReport.Row> rows = QualityReport.compare(model, g, plan, image(seed), false);
            sum += rows.stream().mapToDouble(row -> row.comparison().psnr()).min().orElseThrow();
        }
        return sum / seeds.size();
    }
}
