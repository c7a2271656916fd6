package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.QModel.Op;
import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteOpTable;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.TfliteType;
import isptool.graph.io.TempFiles;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.io.IOException;
import org.tensorflow.lite.schema.BuiltinOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Full-integer quantization of a float TFLite model: exact float rewrites towards integer kernels,
 * the choice of float operators (--float-ops, no integer kernel), calibration, activation
 * parameters, the integer rewrite, and a check in TFLite's own kernels that moves any operator
 * the interpreter refuses in integer form to float.
 */
final class IntegerQuantizer {
    private static final Pattern NODE_NUMBER = Pattern.compile("Node number (\\d+)");
    private static final int MAX_ATTEMPTS = 32;

    private final QModel m;
    private final Graph g;
    private final LayoutPlan plan;
    private final QuantOptions options;
    private final Progress progress;
    private final DType act;
    /** Float operators by source index, with the reason. */
    private final Map<Integer, String> floatOps = new TreeMap<>();
    /** In an int8 model, the operators --int16-ops gives int16 activations (16x8 kernels). */
    private final Set<Integer> int16Ops = new TreeSet<>();
    /** The ONNX node of each operator, computed on first use. */
    private String[] onnxNodes;
    /** Statistics and ranges from earlier quantizations of the same model and samples, or null. */
    private CalibrationMemo memo;

    IntegerQuantizer(QModel m, Graph g, LayoutPlan plan, QuantOptions options, Progress progress) {
        this.m = m;
        this.g = g;
        this.plan = plan;
        this.options = options;
        this.progress = progress;
        this.act = options.precision() == Precision.INT16X8 ? DType.INT16 : DType.INT8;
        if (act == DType.INT16 && options.ioType() != IoType.FLOAT32) {
            throw new ModelException("--precision int16x8 keeps float32 inputs and outputs; " + options.ioType()
                    + " I/O needs --precision int8");
        }
    }

    /**
     * True for the output of a MUL of two activations (NAFNet's SimpleGate, attention scaling):
     * its tails are products of large values that carry the signal, so it keeps its full observed
     * range whatever the method (clipping them cost NAFNet 0.5 dB at the output, measured).
     */
    private boolean isActivationProduct(int tensor) {
        int p = m.producer(tensor);
        if (p < 0 || m.ops.get(p).code != BuiltinOperator.MUL) {
            return false;
        }
        int[] in = m.ops.get(p).inputs;
        return in.length == 2 && in[0] >= 0 && in[1] >= 0 && !m.tensor(in[0]).isConstant()
                && !m.tensor(in[1]).isConstant();
    }

    /** Reuse (and fill) memo's statistics and ranges instead of calibrating again. */
    IntegerQuantizer memo(CalibrationMemo memo) {
        this.memo = memo;
        return this;
    }

    byte[] run(CalibrationSource calib, Map<String, Object> summary) throws IOException {
        int rewritten = FloatRewrites.apply(m, act == DType.INT16);
        chooseFloatOps();
        chooseInt16Ops();
        CalibrationMethod method = options.method();
        boolean histograms = method != CalibrationMethod.MINMAX;
        Map<String, TensorStats> stats = memo == null ? Calibration.run(m, g, plan, calib, histograms, progress)
                : memo.stats(act + "/" + options.equalize() + "/" + histograms,
                        () -> Calibration.run(m, g, plan, calib, histograms, progress));
        if (act == DType.INT8 && options.ioType() == IoType.FLOAT32 && !options.strictInt8()) {
            FixedScaleOutputs.choose(m, stats).forEach(floatOps::putIfAbsent);
        }
        AdaRound rounding = options.adaround() ? AdaRound.collect(m, g, plan, calib, floatOps.keySet(),
                options.biasCorrection(), progress) : null;
        Map<Integer, double[]> ranges = ranges(stats, act);
        Map<Integer, double[]> ranges16 = int16Ops.isEmpty() ? Map.of() : ranges(stats, DType.INT16);
        byte[] bytes = null;
        for (int attempt = 0; bytes == null; attempt++) {
            Map<Integer, Quantization> params = ActivationParams.choose(m, floatOps.keySet(), ranges, act);
            Map<Integer, Quantization> params16 = int16Ops.isEmpty() ? Map.of()
                    : ActivationParams.choose(m, floatOps.keySet(), ranges16, DType.INT16);
            WeightQuantizer weights = new WeightQuantizer(m, act, int16Ops, options.biasCorrection()
                    ? inputMeans(stats) : Map.of(), rounding);
            IntegerRewrite rewrite = new IntegerRewrite(m, act, options.ioType(), floatOps.keySet(), params, int16Ops,
                    params16, weights);
            byte[] candidate = rewrite.build().toBytes();
            String refusal = check(candidate);
            if (refusal == null) {
                bytes = candidate;
                summary.put("tensors_quantized", params.size());
            } else {
                int op = refusedOp(refusal, rewrite, attempt);
                int at = refusal.indexOf(" model: ");
                floatOps.put(op, "TFLite's kernels refuse its " + act.name().toLowerCase(Locale.ROOT) + " form: "
                        + (at < 0 ? refusal : refusal.substring(at + " model: ".length())));
            }
        }
        summary.put("method", method.name().toLowerCase(Locale.ROOT));
        summary.put("bias_correction", options.biasCorrection());
        summary.put("io_type", options.ioType().name().toLowerCase(Locale.ROOT));
        summary.put("calibration_samples", calib.size());
        summary.put("float_rewrites", rewritten);
        if (rounding != null) {
            summary.put("adaround", rounding.summary());
        }
        summary.put("float_ops", floatOpsJson());
        if (options.int16Ops() != null) {
            summary.put("int16_nodes", int16Nodes());
        }
        summary.put("ranges", rangesJson(ranges));
        return bytes;
    }

    /** ONNX node names of the float operators, each once. */
    List<String> floatNodes() {
        Set<String> r = new LinkedHashSet<>();
        for (int k : floatOps.keySet()) {
            r.add(onnxNode(k));
        }
        return new ArrayList<>(r);
    }

    /** Activation ranges by tensor for the given integer type (int16: symmetric, 65535 levels). */
    private Map<Integer, double[]> ranges(Map<String, TensorStats> stats, DType type) {
        Map<Integer, double[]> ranges = new HashMap<>();
        for (int t = 0; t < m.tensors.size(); t++) {
            TensorStats s = stats.get(m.tensor(t).name);
            if (s != null && !m.tensor(t).isConstant()) {
                CalibrationMethod forTensor = isActivationProduct(t) ? CalibrationMethod.MINMAX : options.method();
                Supplier<double[]> choose = () -> Ranges.choose(s, forTensor, type == DType.INT16 ? 65535 : 256,
                        type == DType.INT16);
                ranges.put(t, memo == null ? choose.get() : memo.range(act + "/" + options.equalize() + "/"
                        + type + "/" + forTensor + "/" + m.tensor(t).name, choose));
            }
        }
        return ranges;
    }

    /** ONNX node names of the integer operators with int16 activations in an int8 model, each once. */
    List<String> int16Nodes() {
        Set<String> r = new LinkedHashSet<>();
        for (int k : int16Ops) {
            if (!floatOps.containsKey(k)) {
                r.add(onnxNode(k));
            }
        }
        return new ArrayList<>(r);
    }

    /** --int16-ops in an int8 model: the integer operators it matches that have a 16x8 kernel. */
    private void chooseInt16Ops() {
        if (act != DType.INT8 || options.int16Ops() == null) {
            return;
        }
        for (int k = 0; k < m.ops.size(); k++) {
            if (!floatOps.containsKey(k) && OnnxNodes.matches(options.int16Ops(), onnxNode(k))
                    && OpKinds.hasIntegerKernel(m.ops.get(k).opName(), DType.INT16)) {
                int16Ops.add(k);
            }
        }
        if (!int16Ops.isEmpty() && options.ioType() != IoType.FLOAT32) {
            throw new ModelException("--int16-ops keeps float32 inputs and outputs; " + options.ioType()
                    + " I/O needs an int8 model without int16 operators");
        }
    }

    private void chooseFloatOps() {
        for (int k = 0; k < m.ops.size(); k++) {
            Op op = m.ops.get(k);
            String node = onnxNode(k);
            TfliteOpTable.Weighted w = OpKinds.weighted(op.opName());
            if (OnnxNodes.matches(options.floatOps(), node)) {
                floatOps.put(k, "--float-ops matches it");
            } else if (!OpKinds.hasIntegerKernel(op.opName(), act)) {
                floatOps.put(k, "TFLite has no " + act.name().toLowerCase(Locale.ROOT) + " kernel for "
                        + op.opName());
            } else if (w != null && !m.tensor(op.inputs[w.weights()]).isFloatConstant()) {
                floatOps.put(k, "its weights are not a float constant");
            } else if (writesNonFloat(op)) {
                floatOps.put(k, "it writes non-float values");
            }
        }
    }

    private boolean writesNonFloat(Op op) {
        for (int t : op.outputs) {
            if (m.tensor(t).type != TfliteType.FLOAT32) {
                return true;
            }
        }
        return false;
    }

    private String onnxNode(int k) {
        if (onnxNodes == null) {
            onnxNodes = OnnxNodes.of(m, g);
        }
        return onnxNodes[k];
    }

    /** Channel means of the data input of every integer weighted operator. */
    private Map<Integer, double[]> inputMeans(Map<String, TensorStats> stats) {
        Map<Integer, double[]> r = new HashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            TfliteOpTable.Weighted w = OpKinds.weighted(m.ops.get(k).opName());
            if (w != null && !floatOps.containsKey(k)) {
                TensorStats s = stats.get(m.tensor(m.ops.get(k).inputs[w.data()]).name);
                if (s != null) {
                    r.put(k, s.channelMeans());
                }
            }
        }
        return r;
    }

    /** Null if TFLite's own kernels (no delegate) prepare and run the model, else their message. */
    private static String check(byte[] model) throws IOException {
        Path f = TempFiles.inSystemTemp("isptool-quant");
        try {
            Files.write(f, model);
            try (TfliteRunner r = TfliteRunner.open(f, TfliteRunner.Options.DEFAULT.withXnnpack(false).withThreads(1))) {
                Map<String, Tensor> zeros = new LinkedHashMap<>();
                for (TfliteModel.TensorInfo in : r.model().inputs()) {
                    zeros.put(in.name(), Tensor.ofIntegers(in.type().dtype(), in.shape(),
                            new long[Math.toIntExact(Shape.of(in.shape()).elementCount())]));
                }
                r.run(zeros);
                return null;
            } catch (ModelException e) {
                return e.getMessage();
            }
        } finally {
            TempFiles.delete(f);
        }
    }

    private int refusedOp(String message, IntegerRewrite rewrite, int attempt) {
        Matcher mt = NODE_NUMBER.matcher(message);
        int op = mt.find() ? rewrite.origin(Integer.parseInt(mt.group(1))) : -1;
        if (op < 0 || floatOps.containsKey(op) || attempt >= MAX_ATTEMPTS) {
            throw new ModelException(g.source() + ": the quantized model does not run in TFLite: " + message
                    + "; keep the failing node float with --float-ops");
        }
        return op;
    }

    private List<Object> floatOpsJson() {
        List<Object> r = new ArrayList<>();
        floatOps.forEach((k, why) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("node", onnxNode(k));
            e.put("op", m.ops.get(k).opName());
            e.put("reason", why);
            r.add(e);
        });
        return r;
    }

    private Map<String, Object> rangesJson(Map<Integer, double[]> ranges) {
        Map<String, Object> r = new TreeMap<>();
        ranges.forEach((t, lohi) -> r.put(m.tensor(t).name, List.of(lohi[0], lohi[1])));
        return r;
    }
}
