package isptool.backends.qnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantFixture;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four files of syenet_isp: tar format, the compile/link checks and what makes them fail, float graphs, encodings. */
class QnnFilesTest {
    @TempDir
    Path tmp;

    QuantFixture f;
    QnnGraph int8;

    @BeforeEach
    void emit() throws Exception {
        f = QuantFixture.testdata("syenet_isp", tmp);
        Path model = QnnTestdataTest.quantized(f, Precision.INT8);
        int8 = QnnTestdataTest.qnn(model, "syenet_isp");
    }

    private Path write(QnnGraph g, int version, QnnEncodingsJson.Format format, String folder) throws Exception {
        Path dir = tmp.resolve(folder);
        QnnFiles.of(g, version, format, "test").writeTo(dir);
        return dir;
    }

    @Test
    void binIsAReproducibleUstarOfOneRawPerStatic() throws Exception {
        Path a = write(int8, 1, QnnEncodingsJson.Format.V1_0_0, "a");
        Path b = write(QnnTestdataTest.qnn(QnnTestdataTest.quantized(f, Precision.INT8), "syenet_isp"), 1,
                QnnEncodingsJson.Format.V1_0_0, "b");
        byte[] bin = Files.readAllBytes(a.resolve("syenet_isp.bin"));
        assertArrayEquals(bin, Files.readAllBytes(b.resolve("syenet_isp.bin")));
        QnnSdkCheck.Result list = QnnSdkCheck.run(a, "tar", "-tvf", "syenet_isp.bin");
        assertTrue(list.ok(), list.output());
        List<String> lines = list.output().lines().toList();
        assertEquals(int8.statics().size(), lines.size());
        for (String line : lines) {
            assertTrue(line.startsWith("-rw-r--r-- 0/0") && line.contains("1970-01-01 00:00") && line.endsWith(".raw"),
                    line);
        }
        Map<String, byte[]> members = QnnTar.read(bin);
        for (QnnTensor t : int8.statics()) {
            assertArrayEquals(t.data(), members.get(t.name() + ".raw"), t.name());
        }
    }

    @Test
    void aMissingRawMemberFailsTheLinkCheck() throws Exception {
        Path dir = write(int8, 1, QnnEncodingsJson.Format.V1_0_0, "missing");
        assertTrue(QnnSdkCheck.link(dir, "syenet_isp").ok());
        String bias = int8.statics().get(1).name();
        QnnSdkCheck.Result r = QnnSdkCheck.link(dir, "syenet_isp", bias);
        assertFalse(r.ok());
        assertTrue(r.output().contains("undefined reference to `_binary_obj_binary_" + bias + "_raw_start'"), r.output());
    }

    @Test
    void membersOutOfHeaderOrderFailTheCompileCheck() throws Exception {
        Path dir = write(int8, 1, QnnEncodingsJson.Format.V1_0_0, "order");
        Path cpp = dir.resolve("syenet_isp.cpp");
        String src = Files.readString(cpp);
        Files.writeString(cpp, src.replaceFirst("\\.dataFormat = (\\w+), \\.dataType = (\\w+),",
                ".dataType = $2, .dataFormat = $1,"));
        QnnSdkCheck.Result r = QnnSdkCheck.syntax(cpp);
        assertFalse(r.ok());
        assertTrue(r.output().contains("designator order"), r.output());
    }

    @Test
    void tensorVersion2Compiles() throws Exception {
        Path dir = write(int8, 2, QnnEncodingsJson.Format.V1_0_0, "v2");
        String src = Files.readString(dir.resolve("syenet_isp.cpp"));
        assertTrue(src.contains(".v2 = {") && !src.contains(".v1 = {"));
        QnnSdkCheck.Result r = QnnSdkCheck.syntax(dir.resolve("syenet_isp.cpp"));
        assertTrue(r.ok(), r.output());
        assertTrue(QnnSdkCheck.link(dir, "syenet_isp").ok());
    }

    @Test
    void float32AndFp16ModelsGiveFloatGraphsThatCompileAndRun() throws Exception {
        for (QnnDataType type : new QnnDataType[] {QnnDataType.FLOAT_32, QnnDataType.FLOAT_16}) {
            Path model = type == QnnDataType.FLOAT_32 ? f.floatModel
                    : QnnTestdataTest.quantized(f, Precision.FP16);
            QnnGraph g = TfliteToQnn.convert(TfliteModel.open(model), "syenet_isp", type);
            assertEquals(0, g.count("Dequantize"), "fp16 weights' DEQUANTIZE folds into the static");
            assertTrue(g.tensors().values().stream().allMatch(t -> t.type() == type), type.name());
            Path dir = write(g, 1, QnnEncodingsJson.Format.V1_0_0, type.name());
            QnnSdkCheck.Result r = QnnSdkCheck.syntax(dir.resolve("syenet_isp.cpp"));
            assertTrue(r.ok(), r.output());
            assertTrue(QnnSdkCheck.link(dir, "syenet_isp").ok());
            Comparison c = QnnQuality.compare(g, QnnFiles.members(g), f.g, f.plan, f.image(1)).get(0);
            System.out.printf("qnn syenet_isp %s quantsim vs onnxruntime: PSNR %.2f dB, max abs %.3g%n", type, c.psnr(),
                    c.maxAbs());
            assertTrue(c.psnr() > (type == QnnDataType.FLOAT_32 ? 100 : 60), type + ": " + c.psnr());
        }
    }

    @Test
    void encodingsListEveryFixedPointTensorInBothFormats() throws Exception {
        Path dir = write(int8, 1, QnnEncodingsJson.Format.V1_0_0, "enc");
        String v1 = Files.readString(dir.resolve("syenet_isp.encodings.json"));
        String legacy = QnnEncodingsJson.write(int8, QnnEncodingsJson.Format.LEGACY);
        assertTrue(v1.contains("\"version\": \"1.0.0\""));
        assertFalse(legacy.contains("\"version\""));
        QnnTensor in = int8.tensor(int8.nodes().get(0).outputs().get(0));
        assertEquals(QnnDataType.UFIXED_POINT_8, in.type());
        long fixed = int8.tensors().values().stream().filter(t -> t.type().isFixedPoint()).count();
        assertEquals(fixed, v1.split("\"name\":", -1).length - 1);
        assertTrue(v1.contains("\"enc_type\": \"PER_CHANNEL\""));
        assertTrue(legacy.contains("\"" + in.source() + "\": [") && legacy.contains("\"is_symmetric\": \"True\""));
        String net = Files.readString(dir.resolve("syenet_isp_net.json"), StandardCharsets.UTF_8);
        for (QnnTensor t : int8.tensors().values()) {
            assertTrue(net.contains("\"" + t.name() + "\": {"), t.name());
        }
    }

    @Test
    void namesAreUniqueCIdentifiers() {
        QnnNames n = new QnnNames();
        assertEquals("input_1", n.tensor("input.1"));
        assertEquals("_73", n.tensor("73"));
        assertEquals("input_1_2", n.tensor("input:1"));
        assertEquals("input_1", n.tensor("input.1"));
        assertEquals("conv", n.freshNode("conv", List.of("stride")));
        assertEquals("conv_2", n.freshNode("conv", List.of("stride")), "conv_stride is taken by the first node's param");
        assertEquals("y_stride", n.fresh("y.stride"));
        assertEquals("y_2", n.freshNode("y", List.of("stride")), "a tensor already has y's param name");
        assertEquals("conv_2_stride_2", n.fresh("conv_2_stride"));
    }
}
