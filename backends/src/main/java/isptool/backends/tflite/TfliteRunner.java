package isptool.backends.tflite;

import isptool.backends.tflite.TfliteErrors.Stage;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.OpResolver;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * Runs a .tflite file in TFLite's interpreter on the host, with the XNNPACK delegate (as TFLite
 * applies it by default on CPUs) unless asked otherwise. Inputs and outputs go by tensor name.
 * Not thread-safe; close it when done.
 *
 * <p>XNNPACK takes the ops it supports when tensors are first allocated; the others run on
 * TFLite's builtin kernels. {@link #delegatedOperatorCount()} says how many it took.
 */
public final class TfliteRunner implements AutoCloseable {
    /** Interpreter settings; threads 0 means one per available processor. */
    public record Options(boolean xnnpack, int threads) {
        public static final Options DEFAULT = new Options(true, 0);

        public Options {
            if (threads < 0) {
                throw new IllegalArgumentException("threads " + threads + " is negative");
            }
        }

        public Options withXnnpack(boolean on) {
            return new Options(on, threads);
        }

        public Options withThreads(int n) {
            return new Options(xnnpack, n);
        }

        int resolvedThreads() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    private final Path file;
    private final String label;
    private final Options options;
    private final TfliteModel model;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private FlatBufferModel flatBuffer;
    private OpResolver resolver;
    private InterpreterBuilder builder;
    private Interpreter interpreter;
    /** Input dims the interpreter was last allocated for, by input position; null before the first allocation. */
    private int[][] allocatedDims;
    private int delegatedOperators;
    /** The input data last written, by input position, for the error report of a failed invoke. */
    private Map<Integer, ByteBuffer> lastInputs;

    private TfliteRunner(Path file, Options options) {
        this.file = file;
        this.label = file.toString();
        this.options = options;
        this.model = TfliteModel.open(file);
        this.inputs = model.inputs();
        this.outputs = model.outputs();
    }

    /** Opens a model with XNNPACK on and one thread per processor. */
    public static TfliteRunner open(Path file) {
        return open(file, Options.DEFAULT);
    }

    /**
     * Opens a model: reads and checks the file, builds the interpreter and, when no input has a
     * dynamic dim, allocates its tensors (so that an unrunnable model fails here).
     */
    public static TfliteRunner open(Path file, Options options) {
        TfliteRunner r = new TfliteRunner(file, options);
        try {
            r.build();
            if (r.inputs.stream().noneMatch(TensorInfo::isDynamic)) {
                r.allocate(r.currentDims());
            }
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void build() {
        TfliteNative.load();
        flatBuffer = FlatBufferModel.VerifyAndBuildFromFile(file.toString());
        if (flatBuffer == null || flatBuffer.isNull()) {
            throw fail(Stage.LOAD, Map.of(), Map.of());
        }
        resolver = options.xnnpack() ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
        builder = new InterpreterBuilder(flatBuffer, resolver);
        builder.SetNumThreads(options.resolvedThreads());
        interpreter = new Interpreter((Pointer) null);
        if (builder.apply(interpreter) != 0 || interpreter.isNull()) {
            throw fail(Stage.BUILD, Map.of(), Map.of());
        }
    }

    /** The model's file name, for messages. */
    public String label() {
        return label;
    }

    public TfliteModel model() {
        return model;
    }

    public List<String> inputNames() {
        return inputs.stream().map(TensorInfo::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(TensorInfo::name).toList();
    }

    /** How many of the model's operators the XNNPACK delegate runs (0 before tensors are first allocated). */
    public int delegatedOperatorCount() {
        return delegatedOperators;
    }

    /**
     * Runs the model. Every input must be given, with the input's element type; a shape other than
     * the one last used resizes the input (TFLite then re-plans the model).
     *
     * @return every output, in model order, copied to the Java heap
     */
    public Map<String, Tensor> run(Map<String, Tensor> feed) {
        setInputs(feed);
        invoke();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorInfo o : outputs) {
            TfLiteTensor t = interpreter.tensor(o.index());
            DType dtype = TfliteTensors.dtype(t);
            if (dtype == null) {
                throw new ModelException(label + ": output \"" + o.name() + "\" is a " + o.type()
                        + " tensor, which isptool cannot read");
            }
            out.put(o.name(), TfliteTensors.read(t, dtype));
        }
        return out;
    }

    /**
     * Copies the inputs into the interpreter (resizing as {@link #run} does) without running it:
     * with {@link #invoke()}, what a benchmark times is the interpreter alone, as benchmark_model does.
     */
    public void setInputs(Map<String, Tensor> feed) {
        if (interpreter == null) {
            throw new IllegalStateException(label + ": the runner is closed");
        }
        Tensor[] given = match(feed);
        int[][] dims = new int[given.length][];
        for (int i = 0; i < given.length; i++) {
            dims[i] = TfliteTensors.dims(given[i].shape());
        }
        if (!Arrays.deepEquals(dims, allocatedDims)) {
            allocate(dims);
        }
        lastInputs = new LinkedHashMap<>();
        for (int i = 0; i < given.length; i++) {
            lastInputs.put(i, given[i].rawData());
            if (!TfliteTensors.write(inputTensor(i), given[i].rawData())) {
                throw new ModelException(label + ": input \"" + inputs.get(i).name() + "\" was resized to "
                        + Shape.of(TfliteTensors.shape(inputTensor(i))) + " by TFLite, not to the "
                        + Shape.of(given[i].shape()) + " given; give the shape the model expects");
            }
        }
    }

    /** Runs the model once on the inputs last set by {@link #setInputs}; the outputs stay in the interpreter. */
    public void invoke() {
        if (interpreter == null || allocatedDims == null || lastInputs == null) {
            throw new IllegalStateException(label + ": set the inputs before invoking");
        }
        if (interpreter.Invoke() != 0) {
            throw fail(Stage.INVOKE, shapesByPosition(allocatedDims), lastInputs);
        }
    }

    /** The given tensors in input order, checked against the inputs' names and types. */
    private Tensor[] match(Map<String, Tensor> feed) {
        for (String name : feed.keySet()) {
            if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
                throw new ModelException(label + ": the model has no input \"" + name + "\"; its inputs are "
                        + describe(inputs));
            }
        }
        Tensor[] given = new Tensor[inputs.size()];
        for (int i = 0; i < given.length; i++) {
            TensorInfo in = inputs.get(i);
            Tensor t = feed.get(in.name());
            if (t == null) {
                throw new ModelException(label + ": no tensor given for input \"" + in.name() + "\" " + in.describe()
                        + "; give one for every input");
            }
            if (!in.type().hasDType() || in.type().dtype() != t.dtype()) {
                throw new ModelException(label + ": input \"" + in.name() + "\" expects " + in.describe()
                        + " but was given " + t.dtype() + Shape.of(t.shape())
                        + "; give a tensor of the model's input type");
            }
            given[i] = t;
        }
        return given;
    }

    /** Resizes the inputs that changed and (re)allocates the interpreter's tensors. */
    private void allocate(int[][] dims) {
        for (int i = 0; i < dims.length; i++) {
            boolean changed = allocatedDims == null ? !Arrays.equals(dims[i], currentDims()[i])
                    : !Arrays.equals(dims[i], allocatedDims[i]);
            if (changed && interpreter.ResizeInputTensor(inputs.get(i).index(), dims[i]) != 0) {
                throw fail(Stage.ALLOCATE, shapesByPosition(dims), Map.of());
            }
        }
        if (interpreter.AllocateTensors() != 0) {
            allocatedDims = null;
            throw fail(Stage.ALLOCATE, shapesByPosition(dims), Map.of());
        }
        allocatedDims = dims;
        delegatedOperators = countDelegated();
    }

    /**
     * Delegate kernels are appended after the model's nodes and replace the nodes they took in the
     * execution plan, so the model's nodes still in the plan are the ones TFLite runs itself.
     */
    private int countDelegated() {
        return model.operators().size() - undelegatedOperators().size();
    }

    /**
     * The model's operators TFLite runs on its own kernels, by index (the rest XNNPACK took when
     * tensors were first allocated; before that, every operator).
     */
    public List<Integer> undelegatedOperators() {
        int ops = model.operators().size();
        IntPointer plan = interpreter.execution_plan();
        List<Integer> own = new ArrayList<>();
        for (long i = 0; i < plan.limit(); i++) {
            if (plan.get(i) < ops) {
                own.add(plan.get(i));
            }
        }
        return own;
    }

    private int[][] currentDims() {
        int[][] dims = new int[inputs.size()][];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = TfliteTensors.dims(TfliteTensors.shape(inputTensor(i)));
        }
        return dims;
    }

    private TfLiteTensor inputTensor(int position) {
        return interpreter.tensor(inputs.get(position).index());
    }

    private static Map<Integer, int[]> shapesByPosition(int[][] dims) {
        Map<Integer, int[]> r = new LinkedHashMap<>();
        for (int i = 0; i < dims.length; i++) {
            r.put(i, dims[i]);
        }
        return r;
    }

    private ModelException fail(Stage stage, Map<Integer, int[]> shapes, Map<Integer, ByteBuffer> data) {
        return TfliteErrors.failure(label, file, options.xnnpack(), options.resolvedThreads(), stage, shapes, data);
    }

    private static String describe(List<TensorInfo> ts) {
        return String.join(", ", ts.stream().map(t -> "\"" + t.name() + "\" " + t.describe()).toList());
    }

    /** Frees the interpreter, then what it refers to. */
    @Override
    public void close() {
        for (Pointer p : new Pointer[] {interpreter, builder, resolver, flatBuffer}) {
            if (p != null) {
                p.close();
            }
        }
        interpreter = null;
        builder = null;
        resolver = null;
        flatBuffer = null;
    }
}
