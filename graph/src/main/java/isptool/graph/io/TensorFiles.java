package isptool.graph.io;

import com.google.protobuf.InvalidProtocolBufferException;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Tensors stored one per file: NumPy {@code .npy} (see {@link Npy}) and ONNX's serialized
 * TensorProto {@code .pb} (the format of the ONNX conformance test data, {@code input_0.pb}).
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** Reads a .npy or a TensorProto .pb file, told apart by content rather than by name. */
    public static Tensor read(Path file) {
        RegularFiles.require(file, file.toString(), "a .npy file or a serialized TensorProto .pb file");
        byte[] prefix;
        try (InputStream in = Files.newInputStream(file)) {
            prefix = in.readNBytes(6);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": no such file; check the path");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage());
        }
        return Npy.hasMagic(prefix) ? Npy.read(file) : readTensorProto(file);
    }

    /**
     * Reads a serialized ONNX TensorProto, with its data in raw_data, in the typed fields
     * (float_data, int32_data, ...) or in an external file beside it.
     */
    public static Tensor readTensorProto(Path file) {
        RegularFiles.require(file, file.toString(), "a serialized TensorProto .pb file");
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE) {
                throw new ModelException(file + ": larger than 2 GiB, more than isptool holds in one tensor; give a"
                        + " smaller tensor");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": no such file; check the path");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage());
        }
        TensorProto t;
        try {
            t = TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(file + ": not a serialized ONNX TensorProto (truncated or corrupt protobuf: "
                    + e.getMessage().replaceAll("\\s+", " ") + ")");
        }
        if (!t.hasDataType() || t.getDataType() == 0) {
            throw new ModelException(file + ": not a serialized ONNX TensorProto (no element type); give a .pb"
                    + " written by onnx.numpy_helper.from_array(...).SerializeToString() or a .npy file");
        }
        return viaImporter(t, file);
    }

    /**
     * Converts through {@link OnnxImporter}, so that one piece of code reads every TensorProto
     * storage form: the tensor becomes the only initializer (and output) of a one-tensor model.
     */
    private static Tensor viaImporter(TensorProto t, Path file) {
        String name = t.getName().isEmpty() ? "tensor" : t.getName();
        ModelProto m = ModelProto.newBuilder()
                .setIrVersion(7)
                .setGraph(GraphProto.newBuilder()
                        .setName("tensor_file")
                        .addInitializer(t.toBuilder().setName(name))
                        .addOutput(ValueInfoProto.newBuilder().setName(name)))
                .build();
        return OnnxImporter.parse(m.toByteArray(), file.toString()).value(name).constant();
    }

    /** Writes t as a serialized TensorProto with raw data, atomically. */
    public static void writeTensorProto(Path file, Tensor t, String name) throws IOException {
        TensorProto proto = OnnxExporter.tensor(t, name == null ? "" : name);
        AtomicFiles.write(file, proto::writeTo);
    }
}
