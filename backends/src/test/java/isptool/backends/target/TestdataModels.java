package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.convert.FloatConversion;
import isptool.backends.quant.CalibrationMethod;
import isptool.backends.quant.CalibrationSource;
import isptool.backends.quant.IoType;
import isptool.backends.quant.Precision;
import isptool.backends.quant.Progress;
import isptool.backends.quant.QuantFixture;
import isptool.backends.quant.QuantOptions;
import isptool.backends.quant.Quantizer;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import isptool.passes.target.TargetCaps;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The testdata networks converted as convert does, at a precision, read back as TFLite models
 * (public: the HTML report tests draw them too).
 */
public final class TestdataModels {
    private TestdataModels() {
    }

    public static Path root() {
        Path p = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        assertTrue(Files.isDirectory(p), "testdata at " + p);
        return p;
    }

    /** The nets as exported by TorchScript (their .dynamo and .dynamo_noopt exports are in {@link #allNames}). */
    public static List<String> names() throws IOException {
        return allNames().stream().filter(n -> !n.contains(".dynamo")).toList();
    }

    /** Every testdata export, by file name without .onnx. */
    public static List<String> allNames() throws IOException {
        try (Stream<Path> files = Files.list(root())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".onnx"))
                    .map(n -> n.substring(0, n.length() - ".onnx".length())).sorted().toList();
        }
    }

    /** A testdata net converted at the precision (int8 and int16x8 calibrated on 4 random images). */
    public static TfliteModel convert(String name, Precision precision, Path dir) throws IOException {
        return convert(name, precision, dir, null);
    }

    /** The same after convert --target's swaps for caps (null: none). */
    public static TfliteModel convert(String name, Precision precision, Path dir, TargetCaps caps) throws IOException {
        return TfliteModel.of(bytes(name, precision, dir, caps, null), name + " " + precision);
    }

    /** The serialized model of {@link #convert}. */
    public static byte[] bytes(String name, Precision precision, Path dir) throws IOException {
        return bytes(name, precision, dir, null, null);
    }

    /** The same with the ONNX nodes matching floatOps kept float (convert --float-ops; null: none). */
    public static TfliteModel convertFloatOps(String name, Precision precision, Path dir, Pattern floatOps) throws IOException {
        return TfliteModel.of(bytes(name, precision, dir, null, floatOps), name + " " + precision);
    }

    private static byte[] bytes(String name, Precision precision, Path dir, TargetCaps caps, Pattern floatOps)
            throws IOException {
        Graph g = OnnxImporter.load(root().resolve(name + ".onnx"));
        return written(FloatConversion.run(g, true, true, caps), name, precision, dir, caps, floatOps);
    }

    /**
     * The model convert writes after the float conversion c (of a graph named name): c's model at
     * fp32, else quantized at the precision (calibrated on 4 random images), floatOps kept float.
     */
    public static byte[] written(FloatConversion c, String name, Precision precision, Path dir, TargetCaps caps,
            Pattern floatOps) throws IOException {
        Graph g = c.graph();
        if (precision == Precision.FP32) {
            return c.model().toBytes();
        }
        Path floatModel = dir.resolve(name + ".float.tflite");
        c.model().write(floatModel);
        IoType io = caps != null && caps.int8Io() && precision == Precision.INT8 ? IoType.INT8 : IoType.FLOAT32;
        QuantOptions o = new QuantOptions(precision, io, CalibrationMethod.MINMAX, false, floatOps);
        Path out = dir.resolve(name + "." + precision + ".tflite");
        Quantizer.quantize(floatModel, g, c.plan(), precision.isInteger() ? randomImages(g, 4) : null, o,
                Progress.NONE).model().write(out);
        return Files.readAllBytes(out);
    }

    /** n calibration samples of uniform random values in [0, 1) for every input. */
    private static CalibrationSource randomImages(Graph g, int n) {
        return QuantFixture.source(n, i -> {
            Random r = new Random(100 + i);
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (Value in : g.inputs()) {
                float[] v = new float[(int) in.shape().elementCount()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = r.nextFloat();
                }
                m.put(in.name(), Tensor.ofFloats(in.shape().dims(), v));
            }
            return m;
        });
    }
}
