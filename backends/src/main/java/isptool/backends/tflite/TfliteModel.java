package isptool.backends.tflite;

import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.io.RegularFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;

/**
 * A TFLite model read for inspection: the main subgraph's tensors, operators, inputs and outputs,
 * and the constant data as isptool tensors. Files are memory-mapped and constants stay views of
 * the mapping.
 *
 * <p>FlatBuffers' Java runtime has no verifier, so the whole table structure is read and checked
 * when the model is opened: a corrupt or truncated file fails there, with a ModelException naming
 * the file, and not later in an accessor. What parses but the TFLite runtime would refuse
 * (negative dims, unknown builtin codes, convolutions without weights) is listed by
 * {@link #problems()}.
 */
public final class TfliteModel {
    /** Alignment TFLite's own converter gives constant data; the interpreter reads it in place. */
    static final int DATA_ALIGNMENT = 16;

    /**
     * A tensor of the main subgraph. {@code shape} holds 1 where {@code shapeSignature} holds -1
     * (a dynamic dim); {@code quantization} is null for tensors that are not quantized.
     */
    public record TensorInfo(int index, String name, TfliteType type, long[] shape, long[] shapeSignature,
            int buffer, Quantization quantization, boolean isConstant) {
        public boolean isDynamic() {
            for (long d : shapeSignature) {
                if (d < 0) {
                    return true;
                }
            }
            return false;
        }

        /** {@code FLOAT32[1,?,?,3]}: the type and the signature, dynamic dims (-1) as ?, invalid ones as they are. */
        public String describe() {
            StringBuilder sb = new StringBuilder(type.name()).append('[');
            for (int i = 0; i < shapeSignature.length; i++) {
                sb.append(i > 0 ? "," : "").append(shapeSignature[i] == -1 ? "?" : Long.toString(shapeSignature[i]));
            }
            return sb.append(']').toString();
        }
    }

    /**
     * An operator of the main subgraph: its op name ({@code CONV_2D}, or {@code CUSTOM:name}),
     * tensor indices (-1 for an omitted optional input) and builtin options as a schema
     * {@code *OptionsT} object (null when the op has none).
     */
    public record OperatorInfo(int index, int builtinCode, String opName, int version, List<Integer> inputs,
            List<Integer> outputs, Object options) {
    }

    private final String label;
    private final ByteBuffer bytes;
    private final int schemaVersion;
    private final String description;
    private final int subgraphCount;
    private final List<TensorInfo> tensors;
    private final List<OperatorInfo> operators;
    private final List<Integer> inputs;
    private final List<Integer> outputs;
    private final List<ByteBuffer> buffers;
    private final TfliteProblems problems;
    private final List<String> origins;

    private TfliteModel(String label, ByteBuffer bytes) {
        this.label = label;
        this.bytes = bytes;
        if (bytes.remaining() < 8 || !Model.ModelBufferHasIdentifier(bytes)) {
            throw new ModelException(label + ": not a TFLite model (no \"TFL3\" file identifier); give a .tflite file");
        }
        try {
            Model m = Model.getRootAsModel(bytes);
            this.schemaVersion = (int) m.version();
            this.description = m.description();
            this.subgraphCount = count(m.subgraphsLength(), "subgraphs");
            if (subgraphCount == 0) {
                throw corrupt("it has no subgraph");
            }
            this.buffers = readBuffers(m);
            List<OperatorCode> codes = new ArrayList<>();
            for (int i = 0, n = count(m.operatorCodesLength(), "operator codes"); i < n; i++) {
                codes.add(m.operatorCodes(i));
            }
            SubGraph g = m.subgraphs(0);
            this.tensors = readTensors(g);
            this.operators = readOperators(g, codes);
            this.inputs = indices(g.inputsLength(), g::inputs, "subgraph input", false);
            this.outputs = indices(g.outputsLength(), g::outputs, "subgraph output", false);
            this.problems = new TfliteProblems(tensors, operators);
            this.origins = readOrigins(m);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | BufferUnderflowException
                | NegativeArraySizeException | NullPointerException e) {
            throw corrupt("a table points outside the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Opens a .tflite file, memory-mapped; only a regular file (a FIFO would block the open). */
    public static TfliteModel open(Path file) {
        String label = file.toString();
        RegularFiles.require(file, label, "the path of a .tflite model");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModelException(label + ": " + size + " bytes; TFLite files over 2 GB (external buffers)"
                        + " are not supported");
            }
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            return new TfliteModel(label, map);
        } catch (NoSuchFileException e) {
            throw new ModelException(label + ": no such file; check the path");
        } catch (IOException e) {
            throw new ModelException(label + ": cannot read: " + e.getMessage());
        }
    }

    /** Reads a serialized model held in memory (not copied). */
    public static TfliteModel of(byte[] model, String label) {
        return new TfliteModel(label, ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Multiply-accumulates of a convolution or dense operator (0 for other ops, -1 when a shape is
     * dynamic). Weight layouts: CONV_2D [Cout, kh, kw, Cin/group], DEPTHWISE_CONV_2D [1, kh, kw,
     * Cout], TRANSPOSE_CONV [Cout, kh, kw, Cin] (inputs: output shape, weights, data),
     * FULLY_CONNECTED [out, in]. Only for an operator {@link TfliteModel#isValid}: its operands
     * are there with those ranks and no zero dims. Throws ArithmeticException past a long.
     */
    public long macs(OperatorInfo op) {
        return switch (op.opName()) {
            case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED" -> {
                TensorInfo w = tensor(op.inputs().get(1));
                TensorInfo out = tensor(op.outputs().get(0));
                long perOutput = elementCount(w) / (op.opName().equals("DEPTHWISE_CONV_2D") ? w.shape()[3] : w.shape()[0]);
                yield out.isDynamic() ? -1 : Math.multiplyExact(elementCount(out), perOutput);
            }
            case "TRANSPOSE_CONV" -> {
                TensorInfo w = tensor(op.inputs().get(1));
                TensorInfo x = tensor(op.inputs().get(2));
                yield x.isDynamic() ? -1 : Math.multiplyExact(elementCount(x), elementCount(w) / w.shape()[3]);
            }
            default -> 0;
        };
    }

    private static long elementCount(TensorInfo t) {
        long n = 1;
        for (long d : t.shape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The file name (or label) used in messages. */
    public String label() {
        return label;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    /** The description string, or null. */
    public String description() {
        return description;
    }

    /** The number of subgraphs; everything else here describes the first (main) one. */
    public int subgraphCount() {
        return subgraphCount;
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public TensorInfo tensor(int index) {
        return tensors.get(index);
    }

    /** The tensor with this name, or a ModelException listing what there is. */
    public TensorInfo tensor(String name) {
        for (TensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new ModelException(label + ": no tensor named \"" + name + "\"; inputs are "
                + names(inputs()) + ", outputs " + names(outputs()));
    }

    public List<TensorInfo> inputs() {
        return inputs.stream().map(tensors::get).toList();
    }

    public List<TensorInfo> outputs() {
        return outputs.stream().map(tensors::get).toList();
    }

    /**
     * The ONNX node each operator came from (null where unknown), when the model carries that
     * mapping (convert writes it, {@link OperatorOrigins}); an empty list when it does not.
     */
    public List<String> operatorOrigins() {
        return origins;
    }

    private List<String> readOrigins(Model m) {
        org.tensorflow.lite.schema.Metadata entry = new org.tensorflow.lite.schema.Metadata();
        for (int i = 0; i < m.metadataLength(); i++) {
            m.metadata(entry, i);
            long buffer = entry.buffer();
            if (OperatorOrigins.METADATA_NAME.equals(entry.name()) && buffer > 0 && buffer < buffers.size()
                    && buffers.get((int) buffer) != null) {
                return OperatorOrigins.decode(buffers.get((int) buffer), operators.size());
            }
        }
        return List.of();
    }

    public List<OperatorInfo> operators() {
        return operators;
    }

    /**
     * What the TFLite runtime would refuse in this model although it parses, one phrase per
     * problem naming the tensor or the operator (index, op, output tensor); empty for a valid model.
     */
    public List<String> problems() {
        return Collections.unmodifiableList(problems.problems);
    }

    /** False for an operator with a problem of its own or through one of its tensors. */
    public boolean isValid(OperatorInfo op) {
        return !problems.badOperators.get(op.index());
    }

    /** {@code operator 3 (CONV_2D, output "conv/out")}, for messages: TFLite operators have no names. */
    public String where(OperatorInfo op) {
        return TfliteProblems.where(tensors, op);
    }

    /** How many operators of each op there are ({@code CONV_2D -> 12}), by op name. */
    public Map<String, Integer> opHistogram() {
        Map<String, Integer> counts = new TreeMap<>();
        for (OperatorInfo op : operators) {
            counts.merge(op.opName(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /** The number of operators with this op name ({@code "TRANSPOSE"}). */
    public int count(String opName) {
        return opHistogram().getOrDefault(opName, 0);
    }

    /** The constant data of a tensor, as a view of the file, or null for a tensor without data. */
    public Tensor constant(int tensorIndex) {
        TensorInfo t = tensors.get(tensorIndex);
        if (!t.isConstant()) {
            return null;
        }
        return Tensor.wrap(t.type().dtype(), t.shape(), buffers.get(t.buffer()));
    }

    /** Elements of all constant tensors (weights, biases, and also constant shapes and indices). */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors) {
            if (t.isConstant()) {
                n += Shape.of(t.shape()).elementCount();
            }
        }
        return n;
    }

    /** Bytes of constant data, each buffer counted once. */
    public long parameterBytes() {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b == null ? 0 : b.remaining();
        }
        return n;
    }

    private List<ByteBuffer> readBuffers(Model m) {
        int n = count(m.buffersLength(), "buffers");
        if (n == 0) {
            throw corrupt("it has no buffers (buffer 0 must exist and be empty)");
        }
        List<ByteBuffer> r = new ArrayList<>(n);
        Buffer b = new Buffer();
        for (int i = 0; i < n; i++) {
            m.buffers(b, i);
            ByteBuffer data = b.dataLength() == 0 ? null : b.dataAsByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
            r.add(data);
        }
        return Collections.unmodifiableList(r);
    }

    private List<TensorInfo> readTensors(SubGraph g) {
        int n = count(g.tensorsLength(), "tensors");
        List<TensorInfo> r = new ArrayList<>(n);
        org.tensorflow.lite.schema.Tensor t = new org.tensorflow.lite.schema.Tensor();
        QuantizationParameters q = new QuantizationParameters();
        for (int i = 0; i < n; i++) {
            g.tensors(t, i);
            String name = t.name() == null ? "tensor" + i : t.name();
            TfliteType type = TfliteType.fromCode(t.type());
            if (type == null) {
                throw corrupt("tensor \"" + name + "\" has type code " + t.type() + ", unknown to this schema");
            }
            long[] shape = new long[count(t.shapeLength(), "dims")];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = t.shape(d);
            }
            long[] signature = shape.clone();
            if (t.shapeSignatureLength() == shape.length) {
                for (int d = 0; d < shape.length; d++) {
                    signature[d] = t.shapeSignature(d);
                }
            }
            long buffer = t.buffer();
            if (buffer < 0 || buffer >= buffers.size()) {
                throw corrupt("tensor \"" + name + "\" points at buffer " + buffer + " of " + buffers.size());
            }
            ByteBuffer data = buffers.get((int) buffer);
            boolean constant = data != null;
            if (constant && type.hasDType() && Shape.of(shape).elementCount() * type.byteSize() != data.remaining()) {
                throw corrupt("constant \"" + name + "\" " + type + Shape.of(shape) + " has " + data.remaining()
                        + " bytes of data");
            }
            Quantization quantization = t.quantization(q) == null ? null : readQuantization(q, name);
            r.add(new TensorInfo(i, name, type, shape, signature, (int) buffer, quantization, constant));
        }
        return Collections.unmodifiableList(r);
    }

    private Quantization readQuantization(QuantizationParameters q, String tensor) {
        int n = count(q.scaleLength(), "scales");
        if (n == 0) {
            return null;
        }
        float[] scale = new float[n];
        long[] zeroPoint = new long[n];
        int zeroPoints = q.zeroPointLength();
        if (zeroPoints != n && zeroPoints != 0) {
            throw corrupt("tensor \"" + tensor + "\" has " + n + " scales but " + zeroPoints + " zero points");
        }
        for (int i = 0; i < n; i++) {
            scale[i] = q.scale(i);
            zeroPoint[i] = zeroPoints == 0 ? 0 : q.zeroPoint(i);
        }
        return new Quantization(scale, zeroPoint, q.quantizedDimension());
    }

    private List<OperatorInfo> readOperators(SubGraph g, List<OperatorCode> codes) {
        int n = count(g.operatorsLength(), "operators");
        List<OperatorInfo> r = new ArrayList<>(n);
        Operator op = new Operator();
        for (int i = 0; i < n; i++) {
            g.operators(op, i);
            long opcode = op.opcodeIndex();
            if (opcode < 0 || opcode >= codes.size()) {
                throw corrupt("operator " + i + " uses operator code " + opcode + " of " + codes.size());
            }
            OperatorCode code = codes.get((int) opcode);
            int builtin = TfliteOps.builtinCode(code);
            String name = builtin == BuiltinOperator.CUSTOM ? "CUSTOM:" + code.customCode() : TfliteOps.name(builtin);
            String where = "operator " + i + " (" + name + ")";
            List<Integer> in = indices(op.inputsLength(), op::inputs, where + " input", true);
            List<Integer> out = indices(op.outputsLength(), op::outputs, where + " output", true);
            r.add(new OperatorInfo(i, builtin, name, code.version(), in, out, readOptions(op, name)));
        }
        return Collections.unmodifiableList(r);
    }

    /** The builtin options as a {@code *OptionsT} object; unpacking reads vectors, so their lengths are checked first. */
    private Object readOptions(Operator op, String opName) {
        if (op.builtinOptionsType() == 0) {
            return null;
        }
        count(op.customOptionsLength(), opName + " custom option bytes");
        count(op.mutatingVariableInputsLength(), opName + " mutating inputs");
        count(op.intermediatesLength(), opName + " intermediates");
        try {
            BuiltinOptionsUnion options = op.unpack().getBuiltinOptions();
            return options == null ? null : options.getValue();
        } catch (OutOfMemoryError e) {
            throw corrupt(opName + " options claim a vector larger than the file");
        }
    }

    /** Tensor indices; -1 (an omitted optional tensor) only where {@code omittable}. */
    private List<Integer> indices(int length, java.util.function.IntUnaryOperator at, String what, boolean omittable) {
        List<Integer> r = new ArrayList<>(count(length, what + "s"));
        for (int i = 0; i < length; i++) {
            int index = at.applyAsInt(i);
            if (index < (omittable ? -1 : 0) || index >= tensors.size()) {
                throw corrupt(what + " " + i + " is tensor " + index + ", not one of the " + tensors.size() + " tensors");
            }
            r.add(index);
        }
        return Collections.unmodifiableList(r);
    }

    /** A vector length read from the file, checked against the file size before anything loops over it. */
    private int count(int length, String what) {
        if (length < 0 || length > bytes.capacity() / 4) {
            throw corrupt("it claims " + length + " " + what);
        }
        return length;
    }

    private ModelException corrupt(String why) {
        return new ModelException(label + ": not a valid TFLite model, " + why
                + "; the file is truncated or corrupt, write it again");
    }

    private static String names(List<TensorInfo> ts) {
        return String.join(", ", ts.stream().map(t -> "\"" + t.name() + "\"").toList());
    }

    /** The file's bytes (for tests that check the layout). */
    ByteBuffer bytes() {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
