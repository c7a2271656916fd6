package isptool.backends.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NumPy .npy reading and writing. The fixtures in src/test/resources/npy were written by numpy
 * 2.4 with this script (run inside that folder):
 *
 * <pre>
 * import numpy as np
 * np.save("f4_2x3.npy", np.arange(6, dtype="&lt;f4").reshape(2, 3) / 4 - 0.5)
 * np.save("f2_4.npy", np.array([0.5, -1.25, 65504, 6e-8], dtype="&lt;f2"))
 * np.save("i8_3.npy", np.array([-(2**62), 0, 2**40 + 7], dtype="&lt;i8"))
 * np.save("u1_2x2.npy", np.array([[0, 1], [254, 255]], dtype="u1"))
 * np.save("b1_3.npy", np.array([True, False, True]))
 * np.save("f8_scalar.npy", np.float64(3.141592653589793))
 * np.save("f4_rank4.npy", np.arange(24, dtype="&lt;f4").reshape(1, 2, 3, 4))
 * np.save("f4_big_endian.npy", np.array([1.5, -2.0, 3.25], dtype="&gt;f4"))
 * np.save("f4_fortran.npy", np.asfortranarray(np.arange(6, dtype="&lt;f4").reshape(2, 3)))
 * np.lib.format.write_array(open("f4_v2.npy", "wb"), np.array([1, 2], dtype="&lt;f4"), version=(2, 0))
 * </pre>
 */
class NpyTest {
    @TempDir
    Path tmp;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsFloat32Matrix() throws Exception {
        Tensor t = Npy.read(fixture("f4_2x3.npy"));
        assertEquals(DType.FLOAT, t.dtype());
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f}, t.toFloats());
    }

    @Test
    void readsFloat16() throws Exception {
        Tensor t = Npy.read(fixture("f2_4.npy"));
        assertEquals(DType.FLOAT16, t.dtype());
        assertArrayEquals(new float[] {0.5f, -1.25f, 65504f, 0x1p-24f}, t.toFloats());
    }

    @Test
    void readsInt64() throws Exception {
        Tensor t = Npy.read(fixture("i8_3.npy"));
        assertEquals(DType.INT64, t.dtype());
        assertArrayEquals(new long[] {-(1L << 62), 0, (1L << 40) + 7}, t.toLongs());
    }

    @Test
    void readsUint8AndBool() throws Exception {
        Tensor u = Npy.read(fixture("u1_2x2.npy"));
        assertEquals(DType.UINT8, u.dtype());
        assertArrayEquals(new long[] {0, 1, 254, 255}, u.toLongs());
        Tensor b = Npy.read(fixture("b1_3.npy"));
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new long[] {1, 0, 1}, b.toLongs());
    }

    @Test
    void readsScalar() throws Exception {
        Tensor t = Npy.read(fixture("f8_scalar.npy"));
        assertEquals(DType.DOUBLE, t.dtype());
        assertEquals(0, t.rank());
        assertEquals(Math.PI, t.getDouble(0));
    }

    @Test
    void readsRank4() throws Exception {
        Tensor t = Npy.read(fixture("f4_rank4.npy"));
        assertArrayEquals(new long[] {1, 2, 3, 4}, t.shape());
        assertEquals(23f, t.toFloats()[23]);
    }

    @Test
    void readsVersion2Header() throws Exception {
        assertArrayEquals(new float[] {1, 2}, Npy.read(fixture("f4_v2.npy")).toFloats());
    }

    @Test
    void convertsBigEndian() throws Exception {
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, Npy.read(fixture("f4_big_endian.npy")).toFloats());
    }

    @Test
    void rejectsFortranOrder() {
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(fixture("f4_fortran.npy")));
        assertTrue(e.getMessage().contains("f4_fortran.npy") && e.getMessage().contains("Fortran-ordered")
                && e.getMessage().contains("np.ascontiguousarray"), e.getMessage());
    }

    @Test
    void writesTheBytesNumpyWrites() throws Exception {
        for (String name : new String[] {"f4_2x3.npy", "f2_4.npy", "i8_3.npy", "u1_2x2.npy", "b1_3.npy",
                "f8_scalar.npy", "f4_rank4.npy"}) {
            Path out = tmp.resolve(name);
            Npy.write(out, Npy.read(fixture(name)));
            assertArrayEquals(Files.readAllBytes(fixture(name)), Files.readAllBytes(out), name);
        }
    }

    @Test
    void roundTripsEveryType() throws Exception {
        for (DType t : new DType[] {DType.FLOAT, DType.DOUBLE, DType.FLOAT16, DType.INT8, DType.UINT8, DType.INT16,
                DType.UINT16, DType.INT32, DType.UINT32, DType.INT64, DType.UINT64, DType.BOOL}) {
            Tensor original = Tensor.of(t, new long[] {2, 1, 3}, new double[] {0, 1, 2, 3, 1, 0});
            Path out = tmp.resolve(t + ".npy");
            Npy.write(out, original);
            Tensor back = Npy.read(out);
            assertEquals(t, back.dtype());
            assertArrayEquals(original.shape(), back.shape());
            assertEquals(original.rawData(), back.rawData(), t.toString());
        }
    }

    @Test
    void roundTripsLargeArrayThroughMapping() throws Exception {
        float[] v = new float[1 << 19]; // 2 MiB: read back memory-mapped
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        Path out = tmp.resolve("large.npy");
        Npy.write(out, Tensor.ofFloats(new long[] {512, 1024}, v));
        assertArrayEquals(v, Npy.read(out).toFloats());
    }

    @Test
    void rejectsTruncatedData() throws Exception {
        byte[] full = Files.readAllBytes(fixture("f4_2x3.npy"));
        Path cut = tmp.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(full, full.length - 5));
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("24 bytes") && e.getMessage().contains("19 bytes"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        Path cut = tmp.resolve("head.npy");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(fixture("f4_2x3.npy")), 40));
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("truncated inside the .npy header"), e.getMessage());
    }

    @Test
    void rejectsOtherFiles() throws Exception {
        Path text = tmp.resolve("not.npy");
        Files.writeString(text, "hello, world");
        assertTrue(assertThrows(ModelException.class, () -> Npy.read(text)).getMessage().contains("not a NumPy"));
        Path missing = tmp.resolve("missing.npy");
        assertTrue(assertThrows(ModelException.class, () -> Npy.read(missing)).getMessage().contains("no such file"));
    }

    @Test
    void rejectsUnsupportedAndCorruptHeaders() throws Exception {
        String complex = header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8);
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(write("c8.npy", complex)));
        assertTrue(e.getMessage().contains("'<c8' is not supported"), e.getMessage());
        String structured = header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4);
        e = assertThrows(ModelException.class, () -> Npy.read(write("rec.npy", structured)));
        assertTrue(e.getMessage().contains("structured dtype"), e.getMessage());
        String garbled = header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", 4);
        e = assertThrows(ModelException.class, () -> Npy.read(write("bad.npy", garbled)));
        assertTrue(e.getMessage().contains("header is corrupt"), e.getMessage());
    }

    /** A version 1.0 file (as ISO-8859-1 text) with the given header dict and zero data bytes. */
    private static String header(String dict, int dataBytes) {
        String h = dict + "\n";
        return "\u0093NUMPY\u0001\u0000" + (char) h.length() + "\u0000" + h + "\u0000".repeat(dataBytes);
    }

    private Path write(String name, String latin1) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        return p;
    }

    @Test
    void numpyReadsWhatJavaWrites() throws Exception {
        Path out = tmp.resolve("java.npy");
        Npy.write(out, Tensor.of(DType.FLOAT16, new long[] {2, 2}, new double[] {1, -2, 0.5, 1024}));
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import numpy as np, sys; a = np.load(sys.argv[1]);"
                    + " print(a.dtype, a.shape, a.ravel().tolist())", out.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: " + e.getMessage());
            return;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String said = new String(p.getInputStream().readAllBytes()).strip();
        Assumptions.assumeFalse(said.contains("No module named 'numpy'"), "numpy is not installed");
        assertEquals("float16 (2, 2) [1.0, -2.0, 0.5, 1024.0]", said);
    }
}
