package isptool.backends.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;
import isptool.graph.io.TempFiles;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.OnnxExporter;
import isptool.graph.onnx.OnnxProto.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX model in onnxruntime (CPU provider) on isptool tensors: the reference side of every
 * verification. One session per runner; close it when done.
 *
 * <p>Reference runs use {@link Optimization#NONE}: onnxruntime then executes the graph as written,
 * one kernel per node. Its basic level already folds BatchNormalization and Add/Mul into Conv, and
 * the top level re-lays 2-D convolutions out (NCHWc) with another summation order: rewrites of the
 * kind isptool's own passes are verified against, so a reference must not contain them. No level
 * is bit-exact against PyTorch or against float64 math on convolutions; measured on the 83
 * conformance models onnxruntime runs, NONE and ALL differ only on the 9 with 2-D convolutions, by
 * at most 3.6e-7 (neither consistently closer to PyTorch), and NONE opens sessions faster (ALL
 * constant-folds: light VGG-19 takes 2.6 s to open at ALL, 2 ms at NONE).
 */
public final class OrtRunner implements AutoCloseable {
    /** onnxruntime's graph optimization levels. */
    public enum Optimization {
        NONE(OptLevel.NO_OPT), BASIC(OptLevel.BASIC_OPT), EXTENDED(OptLevel.EXTENDED_OPT), ALL(OptLevel.ALL_OPT);

        final OptLevel level;

        Optimization(OptLevel level) {
            this.level = level;
        }
    }

    /** Session settings; threads 0 lets onnxruntime choose (one per core). */
    public record Options(Optimization optimization, int threads) {
        public static final Options REFERENCE = new Options(Optimization.NONE, 0);
    }

    /** Serialized models above this size go to onnxruntime through a file, not a second heap copy. */
    private static final long IN_MEMORY_LIMIT = 64L << 20;

    private static OrtEnvironment environment;

    private final OrtSession session;
    private final String label;
    private final Map<String, NodeInfo> inputInfo;
    private final List<String> outputNames;

    private OrtRunner(OrtSession session, String label) throws OrtException {
        this.session = session;
        this.label = label;
        this.inputInfo = session.getInputInfo();
        this.outputNames = List.copyOf(session.getOutputNames());
    }

    /**
     * The one onnxruntime environment of this process. Its log is silenced up to fatal errors: every
     * error onnxruntime logs also comes back as an exception, which isptool reports in one line
     * (at error level it printed its own coloured copy to stderr first).
     */
    static synchronized OrtEnvironment env() {
        if (environment == null) {
            environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "isptool");
            OrtNatives.removeExtractedCopies();
        }
        return environment;
    }

    /** Opens a model file; onnxruntime reads it (and any external data beside it) itself. */
    public static OrtRunner open(Path model, Options options) {
        String label = model.toString();
        if (!Files.isRegularFile(model)) {
            throw new ModelException(label + ": no such file; check the path");
        }
        try (SessionOptions so = sessionOptions(options)) {
            return wrap(env().createSession(model.toString(), so), label);
        } catch (OrtException e) {
            throw OrtErrors.load(label, e);
        }
    }

    public static OrtRunner open(Path model) {
        return open(model, Options.REFERENCE);
    }

    /** Opens a serialized model held in memory (small models, tests). */
    public static OrtRunner open(byte[] model, String label, Options options) {
        try (SessionOptions so = sessionOptions(options)) {
            return wrap(env().createSession(model, so), label);
        } catch (OrtException e) {
            throw OrtErrors.load(label, e);
        }
    }

    /** Opens the IR graph, exported to ONNX (through a temporary file when it is large). */
    public static OrtRunner open(Graph g, Options options) {
        return open(OnnxExporter.toProto(g), g.source(), options);
    }

    public static OrtRunner open(Graph g) {
        return open(g, Options.REFERENCE);
    }

    private static OrtRunner open(ModelProto m, String label, Options options) {
        if (m.getSerializedSize() <= IN_MEMORY_LIMIT) {
            return open(m.toByteArray(), label, options);
        }
        Path tmp = null;
        try {
            tmp = TempFiles.inSystemTemp("isptool-ort");
            AtomicFiles.write(tmp, m::writeTo);
            try (SessionOptions so = sessionOptions(options)) {
                return wrap(env().createSession(tmp.toString(), so), label);
            }
        } catch (OrtException e) {
            throw OrtErrors.load(label, e);
        } catch (IOException e) {
            throw new ModelException(label + ": cannot write a temporary copy for onnxruntime: " + e.getMessage()
                    + "; check the space in " + System.getProperty("java.io.tmpdir"));
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** A runner owning the session; the session is closed if reading its signature fails. */
    private static OrtRunner wrap(OrtSession session, String label) throws OrtException {
        try {
            return new OrtRunner(session, label);
        } catch (OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static SessionOptions sessionOptions(Options options) throws OrtException {
        SessionOptions so = new SessionOptions();
        so.setOptimizationLevel(options.optimization().level);
        so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        if (options.threads() > 0) {
            so.setIntraOpNumThreads(options.threads());
        }
        return so;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            TempFiles.delete(p);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    /** The model's name for messages. */
    public String label() {
        return label;
    }

    /** The inputs the caller must feed, in model order. */
    public List<String> inputNames() {
        return List.copyOf(inputInfo.keySet());
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** Runs the model and returns every output, in model order. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, outputNames);
    }

    /** Runs the model and returns the named outputs, in the order asked. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Collection<String> outputs) {
        for (String name : outputs) {
            if (!outputNames.contains(name)) {
                throw new ModelException(label + ": the model has no output \"" + name + "\"; its outputs are "
                        + String.join(", ", outputNames));
            }
        }
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                NodeInfo info = inputInfo.get(e.getKey());
                if (info == null) {
                    throw new ModelException(label + ": the model has no input \"" + e.getKey() + "\"; its inputs are "
                            + String.join(", ", inputInfo.keySet()));
                }
                if (!(info.getInfo() instanceof TensorInfo expected)) {
                    throw new ModelException(label + ": input \"" + e.getKey() + "\" is a " + info.getInfo()
                            + ", not a tensor; isptool feeds tensor inputs only");
                }
                check(e.getKey(), expected, e.getValue());
                feed.put(e.getKey(), OrtTensors.toOrt(env(), e.getValue(), label + ": input \"" + e.getKey() + "\""));
            }
            for (String name : inputInfo.keySet()) {
                if (!inputs.containsKey(name)) {
                    throw new ModelException(label + ": no tensor given for input \"" + name + "\" "
                            + describe(inputInfo.get(name)) + "; give one for every input");
                }
            }
            try (OrtSession.Result result = session.run(feed, new LinkedHashSet<>(outputs))) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxValue v = result.get(name).orElseThrow();
                    out.put(name, OrtTensors.fromOrt(v, label + ": output \"" + name + "\""));
                }
                return out;
            }
        } catch (OrtException e) {
            throw OrtErrors.run(label, e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Rejects a wrong element type or shape before onnxruntime does, with both named. */
    private void check(String name, TensorInfo expected, Tensor given) {
        DType want = OrtTensors.dtype(expected.onnxType);
        long[] dims = expected.getShape();
        long[] shape = given.shape();
        boolean shapeOk = dims.length == shape.length;
        for (int i = 0; shapeOk && i < dims.length; i++) {
            shapeOk = dims[i] < 0 || dims[i] == shape[i];
        }
        if (want != given.dtype() || !shapeOk) {
            throw new ModelException(label + ": input \"" + name + "\" expects " + describe(expected)
                    + " but was given " + typeName(given.dtype()) + Shape.of(shape)
                    + "; give a tensor of the model's input type and shape");
        }
    }

    private static String describe(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo info ? describe(info) : node.getInfo().toString();
    }

    private static String describe(TensorInfo info) {
        DType t = OrtTensors.dtype(info.onnxType);
        String type = t == null ? info.onnxType.toString() : typeName(t);
        String[] names = info.getDimensionNames().clone();
        for (int i = 0; i < names.length; i++) {
            names[i] = names[i] == null || names[i].isEmpty() ? null : names[i];
        }
        return type + Shape.withSymbols(info.getShape(), names);
    }

    /** NumPy's names, which users know: float32 rather than FLOAT. */
    static String typeName(DType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            default -> t.name().toLowerCase();
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw OrtErrors.run(label, e);
        }
    }

    // ---- intermediate values ----

    /**
     * Runs g once and returns the named values, outputs or intermediate, in the order asked: the
     * intermediates become extra graph outputs of a copy of the exported model. Graph inputs and
     * constants are returned as given/stored, without asking onnxruntime.
     */
    public static Map<String, Tensor> runCapturing(Graph g, Map<String, Tensor> inputs, List<String> values,
            Options options) {
        List<String> computed = new ArrayList<>();
        for (String name : values) {
            Value v = Intermediates.valueNamed(g, name);
            if (!g.isGraphInput(v) && !v.isConstant() && !computed.contains(name)) {
                computed.add(name);
            }
        }
        Map<String, Tensor> fromOrt = Map.of();
        if (!computed.isEmpty()) {
            try (OrtRunner r = openCapturing(g, computed, options)) {
                fromOrt = r.run(inputs, computed);
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : values) {
            Value v = g.value(name);
            out.put(name, g.isGraphInput(v) ? inputs.get(name) : v.isConstant() ? v.constant() : fromOrt.get(name));
        }
        return out;
    }

    /**
     * Opens g with the named computed values (intermediates) as extra outputs, to run many inputs
     * and read them with {@link #run(Map, Collection)}.
     */
    public static OrtRunner openCapturing(Graph g, List<String> values, Options options) {
        return open(Intermediates.exposeAsOutputs(g, values), g.source(), options);
    }

    /** Opens a model once and runs it: the common one-shot reference run. */
    public static Map<String, Tensor> runOnce(Path model, Map<String, Tensor> inputs, Options options) {
        try (OrtRunner r = open(model, options)) {
            return r.run(inputs);
        }
    }

    public static Map<String, Tensor> runOnce(Graph g, Map<String, Tensor> inputs, Options options) {
        try (OrtRunner r = open(g, options)) {
            return r.run(inputs);
        }
    }
}
