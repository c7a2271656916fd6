package isptool.backends.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;

/**
 * Builds a single-subgraph TFLite model: tensors, operators, inputs and outputs, then writes the
 * FlatBuffer.
 *
 * <p>Buffer rules the interpreter depends on: buffer 0 exists and is empty, every activation
 * tensor (and every constant without elements) points at it, and each constant gets a buffer of
 * its own, its data aligned to 16 bytes in the file. Constant data is referenced, not copied,
 * until {@link #toBytes()} or {@link #write(Path)} copies it once into the FlatBuffer.
 *
 * <p>Operators take a builtin code ({@code BuiltinOperator.CONV_2D}), an options object of the
 * schema's object API ({@code Conv2DOptionsT}) or null, and tensor indices, -1 for an omitted
 * optional input. Operator codes are shared by every operator with the same code and version.
 */
public final class TfliteBuilder {
    /** The schema version the interpreter expects in {@code Model.version}. */
    public static final int SCHEMA_VERSION = 3;
    private static final int DATA_ALIGNMENT = 16;
    /** FlatBuffers address with signed 32-bit offsets. */
    private static final long FLATBUFFER_LIMIT = Integer.MAX_VALUE - (64L << 20);

    private record TensorSpec(String name, TfliteType type, int[] shape, int[] signature, ByteBuffer data,
            Quantization quantization) {
    }

    private record OperatorSpec(int opcodeIndex, int builtinCode, Object options, int[] inputs, int[] outputs,
            String origin) {
    }

    private record OpcodeKey(int builtinCode, int version) {
    }

    private final List<TensorSpec> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<OperatorSpec> operators = new ArrayList<>();
    private final Map<OpcodeKey, Integer> opcodes = new LinkedHashMap<>();
    private int[] inputs = new int[0];
    private int[] outputs = new int[0];
    private String description = "isptool";
    private String subgraphName = "main";
    /** The ONNX node the operators added next come from (null: none). */
    private String origin;

    /**
     * Adds an activation tensor. Negative dims are dynamic: the file then stores 1 in {@code shape}
     * and -1 in {@code shape_signature}, as the TFLite converter does.
     *
     * @return the tensor's index
     */
    public int addTensor(String name, TfliteType type, long[] shape) {
        return addTensor(name, type, shape, null);
    }

    /** Adds a quantized activation tensor (quantization may be null). */
    public int addTensor(String name, TfliteType type, long[] shape, Quantization quantization) {
        return add(name, type, shape, null, quantization);
    }

    /** Adds a constant tensor holding {@code value} (its type and shape). */
    public int addConstant(String name, Tensor value) {
        return addConstant(name, value, null);
    }

    /** Adds a quantized constant: {@code value} holds the stored integers (e.g. INT8 weights, INT32 bias). */
    public int addConstant(String name, Tensor value, Quantization quantization) {
        return add(name, TfliteType.of(value.dtype()), value.shape(), value.rawData(), quantization);
    }

    /** Adds a constant from raw little-endian bytes (the buffer's remaining bytes, not copied until written). */
    public int addConstant(String name, TfliteType type, long[] shape, ByteBuffer data, Quantization quantization) {
        long need = elementCount(name, shape) * type.byteSize();
        if (data.remaining() != need) {
            throw new IllegalArgumentException("constant \"" + name + "\" " + type + Arrays.toString(shape)
                    + " needs " + need + " bytes but was given " + data.remaining());
        }
        return add(name, type, shape, data.slice().order(ByteOrder.LITTLE_ENDIAN), quantization);
    }

    private int add(String name, TfliteType type, long[] shape, ByteBuffer data, Quantization quantization) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor " + tensors.size() + " needs a name");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("two tensors are named \"" + name + "\"; tensor names must be unique");
        }
        int[] dims = new int[shape.length];
        int[] signature = null;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor \"" + name + "\" dim " + shape[i] + " exceeds int32");
            }
            if (shape[i] < 0) {
                if (data != null) {
                    throw new IllegalArgumentException("constant \"" + name + "\" cannot have a dynamic dim");
                }
                signature = signature == null ? toInts(shape) : signature;
                signature[i] = -1;
                dims[i] = 1;
            } else {
                dims[i] = (int) shape[i];
            }
        }
        if (quantization != null && quantization.isPerChannel()) {
            int axis = quantization.quantizedDimension();
            boolean dynamicAxis = signature != null && axis < signature.length && signature[axis] < 0;
            if (axis >= dims.length || !dynamicAxis && dims[axis] != quantization.scale().length) {
                throw new IllegalArgumentException("tensor \"" + name + "\" " + Arrays.toString(shape) + " has "
                        + quantization.scale().length + " per-channel scales for axis " + axis);
            }
        }
        ByteBuffer stored = data == null || !data.hasRemaining() ? null : data;
        names.add(name);
        tensors.add(new TensorSpec(name, type, dims, signature, stored, quantization));
        return tensors.size() - 1;
    }

    /** Adds a version-1 operator; see {@link #addOperator(int, int, Object, int[], int[])}. */
    public int addOperator(int builtinCode, Object options, int[] inputs, int[] outputs) {
        return addOperator(builtinCode, 1, options, inputs, outputs);
    }

    /**
     * Adds an operator. The version is what the op's kernel needs (e.g. CONV_2D with int8
     * per-channel weights is version 3); runtimes refuse versions they do not implement.
     *
     * @param options a {@code *OptionsT} of the schema's object API, or null for ops without options
     * @param inputs tensor indices, -1 for an omitted optional input
     * @return the operator's index
     */
    public int addOperator(int builtinCode, int version, Object options, int[] inputs, int[] outputs) {
        if (builtinCode < 0 || version < 1) {
            throw new IllegalArgumentException("builtin code " + builtinCode + " version " + version + " is invalid");
        }
        if (options != null) {
            TfliteOps.optionsType(options);
        }
        checkIndices(inputs, true, TfliteOps.name(builtinCode) + " input");
        checkIndices(outputs, false, TfliteOps.name(builtinCode) + " output");
        int opcode = opcodes.computeIfAbsent(new OpcodeKey(builtinCode, version), k -> opcodes.size());
        operators.add(new OperatorSpec(opcode, builtinCode, options, inputs.clone(), outputs.clone(), origin));
        return operators.size() - 1;
    }

    /**
     * The ONNX node the operators added from now on come from (null for none, e.g. a boundary
     * TRANSPOSE). When any operator has one, the file carries the mapping as the metadata entry
     * {@value OperatorOrigins#METADATA_NAME} ({@link TfliteModel#operatorOrigins()} reads it back).
     */
    public TfliteBuilder origin(String onnxNode) {
        this.origin = onnxNode;
        return this;
    }

    /**
     * The first operator from index {@code from} on whose tensors exceed what its kernel takes
     * ({@link TfliteOpTable}), described as "PRELU on a 5-D tensor (its kernel takes at most 4-D)";
     * null if there is none.
     */
    public String kernelLimitProblem(int from) {
        for (int i = from; i < operators.size(); i++) {
            OperatorSpec op = operators.get(i);
            int code = op.builtinCode();
            int limit = TfliteOpTable.maxRank(code);
            int rank = 0;
            for (int[] list : new int[][] {op.inputs(), op.outputs()}) {
                for (int t : list) {
                    rank = t < 0 ? rank : Math.max(rank, tensors.get(t).shape().length);
                }
            }
            if (rank > limit) {
                return TfliteOps.name(code) + " on a " + rank + "-D tensor (its kernel takes at most " + limit + "-D)";
            }
        }
        return null;
    }

    public TfliteBuilder inputs(int... tensorIndices) {
        checkIndices(tensorIndices, false, "subgraph input");
        this.inputs = tensorIndices.clone();
        return this;
    }

    public TfliteBuilder outputs(int... tensorIndices) {
        checkIndices(tensorIndices, false, "subgraph output");
        this.outputs = tensorIndices.clone();
        return this;
    }

    /** The model's description string (default "isptool"). */
    public TfliteBuilder description(String text) {
        this.description = text;
        return this;
    }

    public TfliteBuilder subgraphName(String name) {
        this.subgraphName = name;
        return this;
    }

    public int tensorCount() {
        return tensors.size();
    }

    public int operatorCount() {
        return operators.size();
    }

    /** The serialized model. Copies the FlatBuffer once more; prefer {@link #write(Path)} for large models. */
    public byte[] toBytes() {
        return build().sizedByteArray();
    }

    /** Writes the model atomically: a temporary file beside {@code target}, then a rename. */
    public void write(Path target) throws IOException {
        Path scratch = TempFiles.beside(target);
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = build(new MappedFactory(channel)).dataBuffer();
            byte[] chunk = new byte[1 << 20];
            AtomicFiles.write(target, out -> {
                while (bytes.hasRemaining()) {
                    int n = Math.min(chunk.length, bytes.remaining());
                    bytes.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            });
        } finally {
            TempFiles.delete(scratch);
        }
    }

    /**
     * Builds the FlatBuffer in memory-mapped regions of a scratch file instead of the Java heap, so
     * writing a model needs no heap for its weights. Each request maps a fresh region (the builder
     * copies its old buffer into the new one when it grows).
     */
    private static final class MappedFactory extends FlatBufferBuilder.ByteBufferFactory {
        private final FileChannel channel;
        private long next;

        MappedFactory(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public ByteBuffer newByteBuffer(int capacity) {
            try {
                ByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, next, capacity);
                next += capacity;
                return b.order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private FlatBufferBuilder build() {
        return build(FlatBufferBuilder.HeapByteBufferFactory.INSTANCE);
    }

    private FlatBufferBuilder build(FlatBufferBuilder.ByteBufferFactory factory) {
        FlatBufferBuilder fbb = new FlatBufferBuilder(Math.toIntExact(capacityEstimate()), factory);
        int[] tensorBuffer = new int[tensors.size()];
        byte[] origins = OperatorOrigins.encode(operators.stream().map(OperatorSpec::origin).toList());
        int[] originsBuffer = new int[1];
        int buffersVector = writeBuffers(fbb, tensorBuffer, origins, originsBuffer);
        int[] tensorOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            tensorOffsets[i] = writeTensor(fbb, tensors.get(i), tensorBuffer[i]);
        }
        int[] operatorOffsets = new int[operators.size()];
        for (int i = 0; i < operators.size(); i++) {
            operatorOffsets[i] = writeOperator(fbb, operators.get(i));
        }
        int[] opcodeOffsets = new int[opcodes.size()];
        for (Map.Entry<OpcodeKey, Integer> e : opcodes.entrySet()) {
            OpcodeKey key = e.getKey();
            opcodeOffsets[e.getValue()] = OperatorCode.createOperatorCode(fbb,
                    TfliteOps.deprecatedCode(key.builtinCode()), 0, key.version(), key.builtinCode());
        }
        int subgraph = SubGraph.createSubGraph(fbb,
                SubGraph.createTensorsVector(fbb, tensorOffsets),
                SubGraph.createInputsVector(fbb, inputs),
                SubGraph.createOutputsVector(fbb, outputs),
                SubGraph.createOperatorsVector(fbb, operatorOffsets),
                fbb.createString(subgraphName));
        int metadata = 0;
        if (origins != null) {
            int entry = org.tensorflow.lite.schema.Metadata.createMetadata(fbb,
                    fbb.createString(OperatorOrigins.METADATA_NAME), originsBuffer[0]);
            metadata = Model.createMetadataVector(fbb, new int[] {entry});
        }
        int model = Model.createModel(fbb, SCHEMA_VERSION,
                Model.createOperatorCodesVector(fbb, opcodeOffsets),
                Model.createSubgraphsVector(fbb, new int[] {subgraph}),
                fbb.createString(description),
                buffersVector, 0, metadata, 0);
        Model.finishModelBuffer(fbb, model);
        return fbb;
    }

    /**
     * Writes buffer 0 (empty), one buffer per constant and, when origins is not null, a last
     * buffer holding it; records each tensor's buffer index and the origins' one.
     */
    private int writeBuffers(FlatBufferBuilder fbb, int[] tensorBuffer, byte[] origins, int[] originsBuffer) {
        List<Integer> buffers = new ArrayList<>();
        Buffer.startBuffer(fbb);
        buffers.add(Buffer.endBuffer(fbb));
        for (int i = 0; i < tensors.size(); i++) {
            ByteBuffer data = tensors.get(i).data();
            if (data == null) {
                continue;
            }
            ByteBuffer target = fbb.createUnintializedVector(1, data.remaining(), DATA_ALIGNMENT);
            target.put(data.duplicate());
            int vector = fbb.endVector();
            tensorBuffer[i] = buffers.size();
            buffers.add(Buffer.createBuffer(fbb, vector));
        }
        if (origins != null) {
            int vector = Buffer.createDataVector(fbb, origins);
            originsBuffer[0] = buffers.size();
            buffers.add(Buffer.createBuffer(fbb, vector));
        }
        return Model.createBuffersVector(fbb, buffers.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int writeTensor(FlatBufferBuilder fbb, TensorSpec t, int buffer) {
        int shape = org.tensorflow.lite.schema.Tensor.createShapeVector(fbb, t.shape());
        int signature = t.signature() == null ? 0
                : org.tensorflow.lite.schema.Tensor.createShapeSignatureVector(fbb, t.signature());
        int name = fbb.createString(t.name());
        int quantization = t.quantization() == null ? 0 : writeQuantization(fbb, t.quantization());
        org.tensorflow.lite.schema.Tensor.startTensor(fbb);
        org.tensorflow.lite.schema.Tensor.addShape(fbb, shape);
        if (signature != 0) {
            org.tensorflow.lite.schema.Tensor.addShapeSignature(fbb, signature);
        }
        org.tensorflow.lite.schema.Tensor.addType(fbb, t.type().code);
        org.tensorflow.lite.schema.Tensor.addBuffer(fbb, buffer);
        org.tensorflow.lite.schema.Tensor.addName(fbb, name);
        if (quantization != 0) {
            org.tensorflow.lite.schema.Tensor.addQuantization(fbb, quantization);
        }
        return org.tensorflow.lite.schema.Tensor.endTensor(fbb);
    }

    private static int writeQuantization(FlatBufferBuilder fbb, Quantization q) {
        int scale = QuantizationParameters.createScaleVector(fbb, q.scale());
        int zeroPoint = QuantizationParameters.createZeroPointVector(fbb, q.zeroPoint());
        QuantizationParameters.startQuantizationParameters(fbb);
        QuantizationParameters.addScale(fbb, scale);
        QuantizationParameters.addZeroPoint(fbb, zeroPoint);
        QuantizationParameters.addQuantizedDimension(fbb, q.quantizedDimension());
        return QuantizationParameters.endQuantizationParameters(fbb);
    }

    private static int writeOperator(FlatBufferBuilder fbb, OperatorSpec op) {
        int inputs = Operator.createInputsVector(fbb, op.inputs());
        int outputs = Operator.createOutputsVector(fbb, op.outputs());
        byte optionsType = 0;
        int options = 0;
        if (op.options() != null) {
            BuiltinOptionsUnion union = new BuiltinOptionsUnion();
            optionsType = TfliteOps.optionsType(op.options());
            union.setType(optionsType);
            union.setValue(op.options());
            options = BuiltinOptionsUnion.pack(fbb, union);
        }
        Operator.startOperator(fbb);
        Operator.addOpcodeIndex(fbb, op.opcodeIndex());
        Operator.addInputs(fbb, inputs);
        Operator.addOutputs(fbb, outputs);
        if (options != 0) {
            Operator.addBuiltinOptionsType(fbb, optionsType);
            Operator.addBuiltinOptions(fbb, options);
        }
        return Operator.endOperator(fbb);
    }

    /** Room for all constant data (aligned) plus the tables, so the builder rarely has to grow. */
    private long capacityEstimate() {
        long bytes = 1 << 16;
        for (TensorSpec t : tensors) {
            bytes += 256 + 4L * t.shape().length + 2L * t.name().length();
            if (t.data() != null) {
                bytes += t.data().remaining() + DATA_ALIGNMENT + 16;
            }
            if (t.quantization() != null) {
                bytes += 12L * t.quantization().scale().length + 64;
            }
        }
        for (OperatorSpec op : operators) {
            bytes += 128 + 4L * (op.inputs().length + op.outputs().length)
                    + (op.origin() == null ? 0 : 3L * op.origin().length() + 2);
        }
        if (bytes > FLATBUFFER_LIMIT) {
            throw new ModelException("the model needs " + bytes + " bytes; a TFLite FlatBuffer holds at most 2 GB"
                    + " (weights beyond that need external buffers, which isptool does not write)");
        }
        return bytes;
    }

    private void checkIndices(int[] indices, boolean optionalAllowed, String what) {
        for (int index : indices) {
            boolean omitted = optionalAllowed && index == -1;
            if (!omitted && (index < 0 || index >= tensors.size())) {
                throw new IllegalArgumentException(what + " " + index + " is not a tensor index (0.."
                        + (tensors.size() - 1) + (optionalAllowed ? ", or -1 for an omitted input)" : ")"));
            }
        }
    }

    private static long elementCount(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("constant \"" + name + "\" cannot have a dynamic dim");
            }
            n *= d;
        }
        return n;
    }

    private static int[] toInts(long[] shape) {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = (int) shape[i];
        }
        return r;
    }
}
