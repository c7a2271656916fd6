package isptool.graph.io;

import com.google.protobuf.CodedInputStream;
import isptool.graph.Attr;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.onnx.OnnxProto.AttributeProto;
import isptool.graph.onnx.OnnxProto.FunctionProto;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.NodeProto;
import isptool.graph.onnx.OnnxProto.OperatorSetIdProto;
import isptool.graph.onnx.OnnxProto.StringStringEntryProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.TensorShapeProto;
import isptool.graph.onnx.OnnxProto.TypeProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an ONNX model into the IR. The file is memory-mapped and parsed with aliasing, so large
 * initializers stay in the mapping instead of being copied onto the heap.
 */
public final class OnnxImporter {
    private final Path file;
    private final Path dir;
    private final String label;

    private OnnxImporter(Path file) {
        this.file = file;
        this.dir = file.toAbsolutePath().normalize().getParent();
        this.label = file.toString();
    }

    public static Graph load(Path file) {
        OnnxImporter imp = new OnnxImporter(file);
        Graph g = imp.read();
        if (g.nodes().isEmpty()) {
            throw new ModelException(imp.label + ": the graph has no nodes (its outputs are inputs or constants);"
                    + " there is nothing to fold or convert, check that the right model was exported");
        }
        return g;
    }

    /** Parses an in-memory model (tests, generated models); external data is not allowed. */
    public static Graph parse(byte[] bytes, String label) {
        OnnxImporter imp = new OnnxImporter(Path.of(label));
        return imp.build(imp.parseProto(ByteBuffer.wrap(bytes)));
    }

    private Graph read() {
        RegularFiles.require(file, label, "the path of an .onnx model");
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new ModelException(label + ": the file is empty; re-export the model");
            }
            if (size > Integer.MAX_VALUE) {
                throw new ModelException(label + ": larger than 2 GiB; save the weights as external data"
                        + " (onnx.save(..., save_as_external_data=True))");
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new ModelException(label + ": no such file; check the path");
        } catch (IOException e) {
            throw new ModelException(label + ": cannot read: " + e.getMessage());
        }
        return build(parseProto(mapped));
    }

    private ModelProto parseProto(ByteBuffer bytes) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            ModelProto m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            if (!m.hasGraph() || m.getGraph().getOutputCount() == 0) {
                throw new ModelException(label + ": not an ONNX model (no graph with outputs found);"
                        + " give an .onnx file exported from PyTorch or another framework");
            }
            return m;
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            int stop = why.indexOf(". ");
            throw new ModelException(label + ": not a valid ONNX file (truncated or corrupt protobuf: "
                    + (stop > 0 ? why.substring(0, stop) : why) + "); re-export or re-download the model", e);
        }
    }

    private Graph build(ModelProto model) {
        Graph g = new Graph();
        g.setSource(file.getFileName() == null ? label : file.getFileName().toString());
        g.setIrVersion(model.getIrVersion());
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            g.opsets().put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(), o.getVersion());
        }
        if (g.opsets().isEmpty()) {
            g.opsets().put("", 1L);
        }
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            g.metadata().put(e.getKey(), e.getValue());
        }
        GraphProto gp = model.getGraph();
        g.setName(gp.hasName() ? gp.getName() : "graph");

        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : gp.getInitializerList()) {
            String what = "initializer \"" + t.getName() + "\"";
            Tensor value = tensor(t, what);
            Value v = g.valueNamed(t.getName());
            if (!initializerNames.add(t.getName())) {
                if (!sameTensor(v.constant(), value)) {
                    throw new ModelException(label + ": " + what + " is given twice with different values, so which"
                            + " weights the model uses is ambiguous; re-export the model");
                }
                continue;
            }
            g.setConstant(v, value);
        }
        for (ValueInfoProto vi : gp.getInputList()) {
            if (initializerNames.contains(vi.getName())) {
                continue; // old exporters list initializers as inputs too: they are constants
            }
            checkInputType(vi);
            Value v = g.valueNamed(vi.getName());
            applyType(v, vi);
            g.addInput(v);
        }
        Set<String> functions = new HashSet<>();
        for (FunctionProto f : model.getFunctionsList()) {
            functions.add(f.getDomain() + "\u0000" + f.getName());
        }
        for (ValueInfoProto vi : gp.getValueInfoList()) {
            Value v = g.value(vi.getName());
            if (v == null) {
                v = g.valueNamed(vi.getName());
            }
            if (!v.isConstant()) {
                applyType(v, vi);
            }
        }
        for (int i = 0; i < gp.getNodeCount(); i++) {
            NodeProto np = gp.getNode(i);
            checkOp(np, i, functions);
            addNode(g, np);
        }
        for (ValueInfoProto vi : gp.getOutputList()) {
            Value v = g.value(vi.getName());
            if (v == null) {
                throw new ModelException(label + ": graph output \"" + vi.getName()
                        + "\" is not produced by any node; the model is incomplete");
            }
            if (!v.isConstant()) {
                applyType(v, vi);
            }
            g.addOutput(v);
        }
        checkDefined(g);
        g.topoSort();
        g.removeUnused();
        return g;
    }

    /** Standard ONNX domains: the operators isptool knows. */
    private static final Set<String> STANDARD_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml");

    /** Refuses nodes isptool cannot read: no op type, a model-local function, a custom domain. */
    private void checkOp(NodeProto np, int index, Set<String> functions) {
        String name = np.getName().isEmpty() ? "#" + index : np.getName();
        if (np.getOpType().isEmpty()) {
            throw new ModelException(label + ": node \"" + name + "\" has no op type (op_type is empty); the model is"
                    + " not valid ONNX, re-export it");
        }
        String where = "node \"" + name + "\" (" + np.getOpType() + ")";
        if (functions.contains(np.getDomain() + "\u0000" + np.getOpType())) {
            throw new ModelException(label + ": " + where + " calls the model-local function \"" + np.getOpType()
                    + "\" of domain \"" + np.getDomain() + "\", which isptool does not expand; inline it"
                    + " (onnx.inliner.inline_local_functions) or export without functions");
        }
        if (!STANDARD_DOMAINS.contains(np.getDomain())) {
            throw new ModelException(label + ": " + where + " is a custom op of domain \"" + np.getDomain()
                    + "\"; isptool reads standard ONNX ops only (ai.onnx, ai.onnx.ml): export the model with"
                    + " standard ops");
        }
    }

    /** A graph input must be a tensor of a known element type. */
    private void checkInputType(ValueInfoProto vi) {
        String what = "graph input \"" + vi.getName() + "\"";
        TypeProto t = vi.getType();
        if (!vi.hasType() || t.getValueCase() == TypeProto.ValueCase.VALUE_NOT_SET) {
            throw new ModelException(label + ": " + what + " has no type; re-export the model with typed inputs"
                    + " (element type and shape)");
        }
        if (!t.hasTensorType()) {
            String kind = switch (t.getValueCase()) {
                case SEQUENCE_TYPE -> "a sequence";
                case MAP_TYPE -> "a map";
                case OPTIONAL_TYPE -> "an optional";
                default -> "a sparse tensor";
            };
            throw new ModelException(label + ": " + what + " is " + kind + ", not a tensor; isptool takes tensor"
                    + " inputs only, export the model with tensor inputs");
        }
        int code = t.getTensorType().getElemType();
        DType dt = DType.fromOnnx(code);
        if (dt == null || dt == DType.STRING) {
            throw new ModelException(label + ": " + what + " has element type " + (code == 0 ? "undefined (0)" : code)
                    + ", which isptool does not support; export it as a numeric tensor");
        }
    }

    private static boolean sameTensor(Tensor a, Tensor b) {
        return a.dtype() == b.dtype() && Arrays.equals(a.shape(), b.shape()) && a.rawData().equals(b.rawData());
    }

    private void addNode(Graph g, NodeProto np) {
        String nodeName = np.getName().isEmpty() ? np.getOpType() : np.getName();
        String where = "node \"" + nodeName + "\" (" + np.getOpType() + ")";
        String domain = np.getDomain().equals("ai.onnx") ? "" : np.getDomain();
        if (np.getOpType().equals("Constant") && domain.isEmpty()) {
            if (np.getOutputCount() != 1) {
                throw new ModelException(label + ": " + where + " must have one output");
            }
            Value out = g.valueNamed(np.getOutput(0));
            g.setConstant(out, constantValue(np, where));
            return;
        }
        List<Value> ins = new ArrayList<>();
        for (String in : np.getInputList()) {
            ins.add(in.isEmpty() ? null : g.valueNamed(in));
        }
        List<Value> outs = new ArrayList<>();
        for (String out : np.getOutputList()) {
            Value v = out.isEmpty() ? g.newValue(nodeName + "_unused") : g.valueNamed(out);
            if (v.producer() != null || v.isConstant()) {
                throw new ModelException(label + ": " + where + " writes \"" + out
                        + "\", which is already defined; the model is not valid ONNX (single assignment)");
            }
            outs.add(v);
        }
        Node n = g.addNode(np.getOpType(), domain, nodeName, ins, outs);
        for (AttributeProto a : np.getAttributeList()) {
            n.set(a.getName(), attribute(a, where));
        }
    }

    private Tensor constantValue(NodeProto np, String where) {
        for (AttributeProto a : np.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return tensor(a.getT(), where);
                case "value_float":
                    return Tensor.scalar(a.getF());
                case "value_floats": {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    return Tensor.ofFloats(new long[] {f.length}, f);
                }
                case "value_int":
                    return Tensor.ofLongs(new long[0], new long[] {a.getI()});
                case "value_ints": {
                    long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                    return Tensor.ofLongs(new long[] {v.length}, v);
                }
                default:
                    throw new ModelException(label + ": " + where + " uses attribute \"" + a.getName()
                            + "\", which isptool does not support; use a dense numeric constant");
            }
        }
        throw new ModelException(label + ": " + where + " has no value");
    }

    private Attr attribute(AttributeProto a, String where) {
        AttributeProto.AttributeType type = a.getType();
        if (type == AttributeProto.AttributeType.UNDEFINED) {
            type = guessType(a);
        }
        return switch (type) {
            case INT -> Attr.of(a.getI());
            case FLOAT -> Attr.of(a.getF());
            case STRING -> Attr.of(a.getS().toStringUtf8());
            case INTS -> Attr.of(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield Attr.of(f);
            }
            case STRINGS -> Attr.of(a.getStringsList().stream().map(s -> s.toStringUtf8()).toArray(String[]::new));
            case TENSOR -> Attr.of(tensor(a.getT(), where + " attribute " + a.getName()));
            case GRAPH, GRAPHS -> throw new ModelException(label + ": " + where + " has a subgraph (attribute \""
                    + a.getName() + "\"); control flow (If/Loop/Scan) is not supported: export the model"
                    + " with fixed control flow");
            default -> throw new ModelException(label + ": " + where + " attribute \"" + a.getName()
                    + "\" has type " + type + ", which isptool does not support");
        };
    }

    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.getIntsCount() > 0) {
            return AttributeProto.AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeProto.AttributeType.FLOATS;
        }
        if (a.getStringsCount() > 0) {
            return AttributeProto.AttributeType.STRINGS;
        }
        if (a.hasT()) {
            return AttributeProto.AttributeType.TENSOR;
        }
        if (a.hasG()) {
            return AttributeProto.AttributeType.GRAPH;
        }
        if (a.hasS()) {
            return AttributeProto.AttributeType.STRING;
        }
        if (a.hasF()) {
            return AttributeProto.AttributeType.FLOAT;
        }
        return AttributeProto.AttributeType.INT;
    }

    private void applyType(Value v, ValueInfoProto vi) {
        if (!vi.hasType() || !vi.getType().hasTensorType()) {
            return;
        }
        TypeProto.Tensor tt = vi.getType().getTensorType();
        DType dt = DType.fromOnnx(tt.getElemType());
        Shape shape = null;
        if (tt.hasShape()) {
            TensorShapeProto sp = tt.getShape();
            long[] dims = new long[sp.getDimCount()];
            String[] syms = new String[dims.length];
            for (int i = 0; i < dims.length; i++) {
                TensorShapeProto.Dimension d = sp.getDim(i);
                dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
                syms[i] = d.hasDimParam() ? d.getDimParam() : null;
            }
            shape = Shape.withSymbols(dims, syms);
        }
        v.setType(dt != null ? dt : v.dtype(), shape != null ? shape : v.shape());
    }

    private void checkDefined(Graph g) {
        Set<Value> inputs = new HashSet<>(g.inputs());
        for (Node n : g.nodes()) {
            for (Value v : n.inputs()) {
                if (v != null && v.producer() == null && !v.isConstant() && !inputs.contains(v)) {
                    throw new ModelException(label + ": " + ModelException.where(n) + " reads \"" + v.name()
                            + "\", which no node, initializer or graph input defines; the model is incomplete");
                }
            }
        }
    }

    /** Converts a TensorProto in any storage form (raw, typed fields, external file). */
    Tensor tensor(TensorProto t, String what) {
        DType dt = DType.fromOnnx(t.getDataType());
        if (dt == null || dt == DType.STRING) {
            throw new ModelException(label + ": " + what + " has element type " + t.getDataType()
                    + ", which isptool does not support");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new ModelException(label + ": " + what + " has a negative dimension");
            }
            count = count > 0 && d > Long.MAX_VALUE / count ? Long.MAX_VALUE : count * d;
        }
        if (count > Integer.MAX_VALUE / dt.byteSize) {
            throw new ModelException(label + ": " + what + " has shape " + Arrays.toString(shape) + ", over 2 GiB of "
                    + dt + ", more than isptool holds in one tensor; the model is corrupt or too large");
        }
        long bytes = count * dt.byteSize;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return Tensor.wrap(dt, shape, external(t, bytes, what));
        }
        if (t.hasRawData()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer();
            if (raw.remaining() != bytes) {
                throw new ModelException(label + ": " + what + " has " + raw.remaining() + " bytes of data for "
                        + count + " elements of " + dt + "; the file is corrupt or truncated");
            }
            return Tensor.wrap(dt, shape, raw);
        }
        int n = switch (dt) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
        checkCount(n, count, what); // before allocating: the dims of a damaged file can claim gigabytes
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (dt) {
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    b.putFloat(t.getFloatData(i));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    b.putDouble(t.getDoubleData(i));
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    b.putLong(t.getInt64Data(i));
                }
            }
            case UINT32, UINT64 -> {
                for (int i = 0; i < n; i++) {
                    if (dt == DType.UINT32) {
                        b.putInt((int) t.getUint64Data(i));
                    } else {
                        b.putLong(t.getUint64Data(i));
                    }
                }
            }
            default -> {
                // INT32, INT16, INT8, UINT8, UINT16, BOOL, FLOAT16, BFLOAT16 live in int32_data
                for (int i = 0; i < n; i++) {
                    int v = t.getInt32Data(i);
                    switch (dt.byteSize) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        default -> b.putInt(v);
                    }
                }
            }
        }
        b.flip();
        return Tensor.wrap(dt, shape, b);
    }

    private void checkCount(int n, long count, String what) {
        if (n != count) {
            throw new ModelException(label + ": " + what + " has " + n + " values for " + count
                    + " elements; the file is corrupt");
        }
    }

    private ByteBuffer external(TensorProto t, long bytes, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = externalNumber(e, what);
                case "length" -> length = externalNumber(e, what);
                default -> { }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelException(label + ": " + what + " is stored externally but names no location");
        }
        if (length < 0) {
            length = bytes;
        }
        if (length != bytes) {
            throw new ModelException(label + ": " + what + " has external length " + length + " but needs "
                    + bytes + " bytes");
        }
        Path real = externalFile(location, what);
        try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
            if (offset > ch.size() || length > ch.size() - offset) {
                throw new ModelException(label + ": external data file \"" + location + "\" is too short for "
                        + what + " (" + ch.size() + " bytes, needs " + length + " from offset " + offset
                        + "); the data file is truncated");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
        } catch (IOException e) {
            throw new ModelException(label + ": cannot read external data \"" + location + "\" of " + what + ": "
                    + e.getMessage());
        }
    }

    private ModelException outside(String location, String what, String how) {
        return new ModelException(label + ": " + what + " points at external data \"" + location
                + "\" outside the model's folder" + how + "; refusing to read it (move the data file next to the model)");
    }

    /** An external data offset or length: a non-negative whole number. */
    private long externalNumber(StringStringEntryProto e, String what) {
        long v;
        try {
            v = Long.parseLong(e.getValue().trim());
        } catch (NumberFormatException x) {
            v = -1;
        }
        if (v < 0) {
            throw new ModelException(label + ": " + what + " has external data " + e.getKey() + " \"" + e.getValue()
                    + "\", which is not a byte count; the model is corrupt, re-export it");
        }
        return v;
    }

    /**
     * The real path of an external data file, which must be a regular file inside the model's
     * real folder: the location is resolved with every symbolic link followed, so neither "../"
     * nor a link can make the importer read (and a reparam copy) a file from elsewhere.
     */
    private Path externalFile(String location, String what) {
        Path loc;
        try {
            loc = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ModelException(label + ": " + what + " names external data \"" + location
                    + "\", which is not a valid file name; the model is corrupt");
        }
        Path resolved = dir.resolve(loc).normalize();
        if (loc.isAbsolute() || !resolved.startsWith(dir)) {
            throw outside(location, what, "");
        }
        Path real;
        Path realDir;
        try {
            realDir = dir.toRealPath();
            real = resolved.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ModelException(label + ": external data file \"" + location + "\" for " + what
                    + " is missing; copy it next to the model");
        } catch (IOException e) {
            throw new ModelException(label + ": cannot read external data \"" + location + "\" of " + what + ": "
                    + e.getMessage());
        }
        if (!real.startsWith(realDir)) {
            throw outside(location, what, " (through a symbolic link)");
        }
        RegularFiles.require(real, label + ": external data \"" + location + "\" of " + what,
                "a data file saved with the model");
        return real;
    }
}
