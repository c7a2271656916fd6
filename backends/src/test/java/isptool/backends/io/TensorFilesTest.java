package isptool.backends.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import isptool.backends.ConformanceData;
import isptool.graph.DType;
import isptool.graph.Half;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import isptool.graph.io.TensorFiles;
import isptool.graph.onnx.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX TensorProto .pb files (the conformance data format), and reading either format by content. */
class TensorFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsConformanceInputWithRawData() {
        Path pb = ConformanceData.root().resolve("pytorch-converted/test_Conv2d/test_data_set_0/input_0.pb");
        Tensor t = TensorFiles.readTensorProto(pb);
        assertEquals(DType.FLOAT, t.dtype());
        assertEquals(4, t.rank());
        assertEquals(t.elementCount() * 4L, t.byteSize());
    }

    @Test
    void readsTypedFields() throws Exception {
        Path floats = write("floats.pb", TensorProto.newBuilder().setDataType(DType.FLOAT.onnxCode)
                .addDims(2).addFloatData(1.5f).addFloatData(-2f));
        assertArrayEquals(new float[] {1.5f, -2f}, TensorFiles.readTensorProto(floats).toFloats());

        Path longs = write("longs.pb", TensorProto.newBuilder().setDataType(DType.INT64.onnxCode)
                .addDims(1).addDims(2).addInt64Data(-7).addInt64Data(1L << 40));
        Tensor l = TensorFiles.readTensorProto(longs);
        assertArrayEquals(new long[] {1, 2}, l.shape());
        assertArrayEquals(new long[] {-7, 1L << 40}, l.toLongs());

        Path halves = write("halves.pb", TensorProto.newBuilder().setDataType(DType.FLOAT16.onnxCode)
                .addDims(2).addInt32Data(Half.fromFloat(0.25f) & 0xffff).addInt32Data(Half.fromFloat(-3f) & 0xffff));
        assertArrayEquals(new float[] {0.25f, -3f}, TensorFiles.readTensorProto(halves).toFloats());

        Path bools = write("bools.pb", TensorProto.newBuilder().setDataType(DType.BOOL.onnxCode)
                .addDims(3).addInt32Data(1).addInt32Data(0).addInt32Data(1));
        Tensor b = TensorFiles.readTensorProto(bools);
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new long[] {1, 0, 1}, b.toLongs());

        Path scalar = write("scalar.pb", TensorProto.newBuilder().setDataType(DType.DOUBLE.onnxCode)
                .addDoubleData(2.5));
        assertEquals(0, TensorFiles.readTensorProto(scalar).rank());
    }

    @Test
    void writesAndReadsBack() throws Exception {
        Tensor t = Tensor.of(DType.INT32, new long[] {3}, new double[] {1, -2, 3});
        Path pb = tmp.resolve("t.pb");
        TensorFiles.writeTensorProto(pb, t, "x");
        assertArrayEquals(t.toLongs(), TensorFiles.readTensorProto(pb).toLongs());
        assertEquals("x", TensorProto.parseFrom(Files.readAllBytes(pb)).getName());
    }

    @Test
    void readTellsFormatsApartByContent() throws Exception {
        Tensor t = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
        Path npyNamedPb = tmp.resolve("really_npy.pb");
        Npy.write(npyNamedPb, t);
        Path pb = tmp.resolve("t.pb");
        TensorFiles.writeTensorProto(pb, t, "");
        assertArrayEquals(t.toFloats(), TensorFiles.read(npyNamedPb).toFloats());
        assertArrayEquals(t.toFloats(), TensorFiles.read(pb).toFloats());
    }

    @Test
    void reportsWrongDataSize() throws Exception {
        Path pb = write("short.pb", TensorProto.newBuilder().setDataType(DType.FLOAT.onnxCode).addDims(4)
                .setRawData(ByteString.copyFrom(new byte[10])));
        ModelException e = assertThrows(ModelException.class, () -> TensorFiles.readTensorProto(pb));
        assertTrue(e.getMessage().startsWith(pb.toString()) && e.getMessage().contains("10 bytes"), e.getMessage());
    }

    @Test
    void reportsFilesThatAreNotTensors() throws Exception {
        Path text = tmp.resolve("text.pb");
        Files.writeString(text, "this is not a tensor\n");
        ModelException e = assertThrows(ModelException.class, () -> TensorFiles.readTensorProto(text));
        assertTrue(e.getMessage().startsWith(text.toString()) && e.getMessage().contains("TensorProto"),
                e.getMessage());
    }

    private Path write(String name, TensorProto.Builder b) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, b.build().toByteArray());
        return p;
    }
}
