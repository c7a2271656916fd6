package isptool.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data is read only from regular files inside the model's real folder, and only within
 * the file: no symbolic link, FIFO, device or folder, no bad offset or length.
 */
class ExternalDataTest {
    @TempDir
    Path tmp;

    /** y = x + w, with w (two floats) stored in an external file. */
    private static byte[] model(String location, String offset, String length) {
        TensorProto.Builder w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            w.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        if (length != null) {
            w.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
        }
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2))))).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(x).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    private static byte[] twoFloats(float a, float b) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(a).putFloat(b).array();
    }

    private Path modelIn(Path folder, String location, String offset, String length) throws IOException {
        return Files.write(Files.createDirectories(folder).resolve("m.onnx"), model(location, offset, length));
    }

    private static ModelException refused(Path model, String... mentions) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.load(model));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "should mention " + m + ": " + e.getMessage());
        }
        return e;
    }

    @Test
    void aSymlinkLeadingOutsideTheFolderIsNotFollowed() throws IOException {
        Path secret = Files.write(tmp.resolve("secret.bin"), twoFloats(6, 6));
        Path models = Files.createDirectory(tmp.resolve("models"));
        Files.createSymbolicLink(models.resolve("weights.bin"), secret);
        refused(modelIn(models, "weights.bin", null, null), "initializer \"w\"", "weights.bin",
                "outside the model's folder", "symbolic link");
    }

    @Test
    void aSymlinkedFolderOnTheWayOutIsNotFollowed() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve("w.bin"), twoFloats(6, 6));
        Path models = Files.createDirectory(tmp.resolve("models"));
        Files.createSymbolicLink(models.resolve("data"), elsewhere);
        refused(modelIn(models, "data/w.bin", null, null), "data/w.bin", "outside the model's folder");
    }

    @Test
    void aSymlinkInsideTheFolderIsRead() throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        Files.write(models.resolve("real.bin"), twoFloats(1.5f, -2));
        Files.createSymbolicLink(models.resolve("w.bin"), models.resolve("real.bin"));
        assertArrayEquals(new float[] {1.5f, -2},
                OnnxImporter.load(modelIn(models, "w.bin", null, null)).value("w").constant().toFloats());
    }

    @Test
    void aModelInASymlinkedFolderReadsItsOwnData() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.write(real.resolve("w.bin"), twoFloats(3, 4));
        Files.write(real.resolve("m.onnx"), model("w.bin", null, null));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertArrayEquals(new float[] {3, 4}, OnnxImporter.load(link.resolve("m.onnx")).value("w").constant().toFloats());
    }

    @Test
    void aFolderOrFifoAsExternalDataIsRefused() throws Exception {
        Files.createDirectory(tmp.resolve("w.bin"));
        refused(modelIn(tmp, "w.bin", null, null), "w.bin", "not a regular file");
        Path fifo = tmp.resolve("fifo.bin");
        assertTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        Path model = modelIn(tmp, "fifo.bin", null, null);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(model, "fifo.bin", "not a regular file"));
    }

    @Test
    void badOffsetsAndLengthsNameTheTensor() throws IOException {
        Files.write(tmp.resolve("w.bin"), twoFloats(1, 2));
        refused(modelIn(tmp, "w.bin", "-4", null), "initializer \"w\"", "offset \"-4\"");
        refused(modelIn(tmp, "w.bin", "four", null), "initializer \"w\"", "offset \"four\"");
        refused(modelIn(tmp, "w.bin", "0", "eight"), "initializer \"w\"", "length \"eight\"");
        refused(modelIn(tmp, "w.bin", "0", "-8"), "initializer \"w\"", "length \"-8\"");
        refused(modelIn(tmp, "w.bin", "4", "8"), "initializer \"w\"", "too short");
        refused(modelIn(tmp, "w.bin", "16", null), "initializer \"w\"", "too short");
        refused(modelIn(tmp, "w.bin", Long.toString(Long.MAX_VALUE - 2), "8"), "initializer \"w\"", "too short");
        refused(modelIn(tmp, "w.bin", "99999999999999999999999", null), "initializer \"w\"", "offset");
        refused(modelIn(tmp, "w.bin", "0", "16"), "initializer \"w\"", "length 16");
        assertArrayEquals(new float[] {1, 2},
                OnnxImporter.load(modelIn(tmp, "w.bin", "0", "8")).value("w").constant().toFloats());
    }
}
