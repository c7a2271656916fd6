package isptool.backends.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration samples from .npy files and PNG/JPEG images: values checked against the pixels the
 * generating script (scripts/make_calib_images.py, numpy + Pillow) saved beside the images, and each
 * bad input refused with one line naming the file.
 */
class CalibrationInputsTest {
    @TempDir
    Path tmp;

    private static Path calib(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve("calib").resolve(name);
    }

    private static Graph graph(long... dims) {
        Graph g = new Graph();
        g.setSource("m.onnx");
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(dims));
        g.addInput(x);
        return g;
    }

    private static Tensor random(Random r, long... shape) {
        float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.ofFloats(shape, v);
    }

    private static float[] sample(CalibrationInputs in, int i) throws IOException {
        return in.sample(i).get("x").toFloats();
    }

    @Test
    void npyFilesAndFoldersInSortedOrder() throws IOException {
        Random r = new Random(1);
        Tensor a = random(r, 1, 3, 4, 5);
        Tensor b = random(r, 1, 3, 4, 5);
        Path dir = Files.createDirectory(tmp.resolve("d"));
        Npy.write(dir.resolve("b.npy"), b);
        Npy.write(dir.resolve("a.npy"), a);
        Files.writeString(dir.resolve("notes.txt"), "not a sample");
        Files.writeString(dir.resolve(".hidden.npy"), "skipped silently");
        Graph g = graph(1, 3, 4, 5);

        CalibrationInputs folder = CalibrationInputs.open(g, List.of(dir.toString()), ImageOptions.DEFAULT);
        assertEquals(2, folder.size());
        assertArrayEquals(a.toFloats(), sample(folder, 0));
        assertArrayEquals(b.toFloats(), sample(folder, 1));
        assertTrue(folder.describe(1).endsWith("b.npy"), folder.describe(1));
        assertEquals(1, folder.notes().size(), folder.notes().toString());
        assertTrue(folder.notes().get(0).contains("notes.txt"));

        CalibrationInputs file = CalibrationInputs.open(g, List.of("x=" + dir.resolve("b.npy")), ImageOptions.DEFAULT);
        assertEquals(1, file.size());
        assertArrayEquals(b.toFloats(), sample(file, 0));
        assertArrayEquals(new long[] {1, 3, 4, 5}, file.sample(0).get("x").shape());
    }

    @Test
    void batchedNpyIsOneSamplePerItem() throws IOException {
        Tensor batch = random(new Random(2), 3, 2, 4, 4);
        Npy.write(tmp.resolve("batch.npy"), batch);
        CalibrationInputs in = CalibrationInputs.open(graph(1, 2, 4, 4), List.of(tmp.resolve("batch.npy").toString()),
                ImageOptions.DEFAULT);
        assertEquals(3, in.size());
        float[] all = batch.toFloats();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(all, i * 32, (i + 1) * 32), sample(in, i));
            assertArrayEquals(new long[] {1, 2, 4, 4}, in.sample(i).get("x").shape());
            assertTrue(in.describe(i).endsWith("batch.npy[" + i + "]"), in.describe(i));
        }
    }

    /** A two-input model: NAME=PATH per input, samples paired in sorted name order, counts must agree. */
    @Test
    void multiInputSamplesArePairedByName() throws IOException {
        Graph g = graph(1, 3, 32, 32);
        Value y = g.valueNamed("y");
        y.setType(DType.FLOAT, Shape.of(1, 2, 4, 4));
        g.addInput(y);
        Tensor batch = random(new Random(3), 8, 2, 4, 4);
        Npy.write(tmp.resolve("y.npy"), batch);
        CalibrationInputs in = CalibrationInputs.open(g, List.of("y=" + tmp.resolve("y.npy"),
                "x=" + calib("rgb32")), ImageOptions.DEFAULT);
        assertEquals(8, in.size());
        Map<String, Tensor> s = in.sample(5);
        assertEquals(List.of("x", "y"), List.copyOf(s.keySet()));
        assertArrayEquals(Arrays.copyOfRange(batch.toFloats(), 5 * 32, 6 * 32), s.get("y").toFloats());
        assertTrue(in.describe(5).contains("rgb32_005.png") && in.describe(5).contains("y.npy[5]"), in.describe(5));

        refused(g, "x=" + calib("rgb32"), ImageOptions.DEFAULT, "no samples for input \"y\"", "y=DIR");
        ModelException e = assertThrows(ModelException.class, () -> CalibrationInputs.open(g,
                List.of("x=" + calib("rgb32/rgb32_000.png"), "y=" + tmp.resolve("y.npy")), ImageOptions.DEFAULT));
        assertTrue(e.getMessage().contains("1 samples for input \"x\" but 8 for \"y\""), e.getMessage());
    }

    /** 8-bit RGB PNG: HWC -> CHW, (p * scale - mean[c]) / std[c] computed here in double from the saved pixels. */
    @Test
    void eightBitRgbPngWithScaleMeanStd() throws IOException {
        Tensor pixels = Npy.read(calib("pixels/rgb32_000.npy"));
        assertArrayEquals(new long[] {32, 32, 3}, pixels.shape());
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        CalibrationInputs plain = CalibrationInputs.open(graph(1, 3, 32, 32),
                List.of(calib("rgb32/rgb32_000.png").toString()), ImageOptions.DEFAULT);
        CalibrationInputs norm = CalibrationInputs.open(graph(1, 3, 32, 32),
                List.of(calib("rgb32/rgb32_000.png").toString()), new ImageOptions(null, mean, std, null));
        CalibrationInputs scaled = CalibrationInputs.open(graph(1, 3, 32, 32),
                List.of(calib("rgb32/rgb32_000.png").toString()), new ImageOptions(2.0, new double[] {1}, null, null));
        float[] p = plain.sample(0).get("x").toFloats();
        float[] n = norm.sample(0).get("x").toFloats();
        float[] s = scaled.sample(0).get("x").toFloats();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    long v = pixels.getLong((y * 32 + x) * 3 + c);
                    int at = (c * 32 + y) * 32 + x;
                    assertEquals((float) (v / 255.0), p[at]);
                    assertEquals((float) ((v / 255.0 - mean[c]) / std[c]), n[at]);
                    assertEquals((float) (v * 2.0 - 1), s[at]);
                }
            }
        }
    }

    /** 8-bit grayscale PNG -> one channel. */
    @Test
    void grayscalePngIsOneChannel() throws IOException {
        Tensor pixels = Npy.read(calib("pixels/gray24_000.npy"));
        CalibrationInputs in = CalibrationInputs.open(graph(1, 1, 24, 24),
                List.of(calib("gray24").toString()), ImageOptions.DEFAULT);
        assertEquals(8, in.size());
        float[] got = sample(in, 0);
        for (int i = 0; i < 24 * 24; i++) {
            assertEquals((float) (pixels.getLong(i) / 255.0), got[i]);
        }
    }

    /** 16-bit PNG: samples divided by 65535 by default. */
    @Test
    void sixteenBitPngUsesTheFullRange() throws IOException {
        Tensor pixels = Npy.read(calib("pixels/raw64_000.npy"));
        assertEquals(DType.UINT16, pixels.dtype());
        CalibrationInputs in = CalibrationInputs.open(graph(1, 1, 64, 64),
                List.of(calib("raw64/raw64_000.png").toString()), ImageOptions.DEFAULT);
        float[] got = sample(in, 0);
        boolean above8Bits = false;
        for (int i = 0; i < 64 * 64; i++) {
            assertEquals((float) (pixels.getLong(i) / 65535.0), got[i]);
            above8Bits |= pixels.getLong(i) % 256 != 0;
        }
        assertTrue(above8Bits, "the test image uses the low byte");
    }

    /** Bayer packing, pixel by pixel, for every pattern: planes R, G1 (on R rows), G2 (on B rows), B. */
    @Test
    void bayerPackingPixelByPixel() throws IOException {
        Tensor pixels = Npy.read(calib("pixels/raw64_000.npy"));
        // {row, column} of R, G1, G2, B inside the 2x2 block, written out from each pattern's name
        int[][][] where = {
            {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, // RGGB: R G / G B
            {{1, 1}, {1, 0}, {0, 1}, {0, 0}}, // BGGR: B G / G R
            {{0, 1}, {0, 0}, {1, 1}, {1, 0}}, // GRBG: G R / B G
            {{1, 0}, {1, 1}, {0, 0}, {0, 1}}, // GBRG: G B / R G
        };
        BayerPattern[] patterns = {BayerPattern.RGGB, BayerPattern.BGGR, BayerPattern.GRBG, BayerPattern.GBRG};
        double[] mean = {0.1, 0.2, 0.3, 0.4};
        for (int k = 0; k < 4; k++) {
            CalibrationInputs in = CalibrationInputs.open(graph(1, 4, 32, 32),
                    List.of(calib("raw64/raw64_000.png").toString()), new ImageOptions(null, mean, new double[] {0.5},
                            patterns[k]));
            Tensor t = in.sample(0).get("x");
            assertArrayEquals(new long[] {1, 4, 32, 32}, t.shape());
            float[] got = t.toFloats();
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        long v = pixels.getLong((2 * y + where[k][c][0]) * 64 + 2 * x + where[k][c][1]);
                        assertEquals((float) ((v / 65535.0 - mean[c]) / 0.5), got[(c * 32 + y) * 32 + x],
                                patterns[k] + " channel " + c + " at " + y + "," + x);
                    }
                }
            }
        }
    }

    /** JPEG: a smooth gradient written by ImageIO at full quality reads back within a few levels, channels in RGB order. */
    @Test
    void jpegReadsBackCloseToItsPixels() throws IOException {
        BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, (40 + 8 * x) << 16 | (30 + 6 * y) << 8 | 128);
            }
        }
        Path file = tmp.resolve("g.jpg");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam quality = writer.getDefaultWriteParam();
        quality.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        quality.setCompressionQuality(1f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), quality);
        }
        writer.dispose();
        float[] got = sample(CalibrationInputs.open(graph(1, 3, 24, 24), List.of(file.toString()), ImageOptions.DEFAULT), 0);
        double worst = 0;
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                double[] want = {40 + 8 * x, 30 + 6 * y, 128};
                for (int c = 0; c < 3; c++) {
                    worst = Math.max(worst, Math.abs(got[(c * 24 + y) * 24 + x] * 255 - want[c]));
                }
            }
        }
        assertTrue(worst <= 6, "JPEG error (chroma subsampling, YCbCr rounding) " + worst + " levels");
    }

    @Test
    void badInputsAreOneLineErrorsNamingTheFile() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("broken.png"), "this is not a PNG");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "nothing to see");
        byte[] png = Files.readAllBytes(calib("rgb32/rgb32_000.png"));
        Path truncated = Files.write(tmp.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Graph rgb = graph(1, 3, 32, 32);

        refused(rgb, calib("rgb24").toString(), ImageOptions.DEFAULT, "rgb24_000.png", "[1, 3, 24, 24]", "not resized");
        refused(rgb, calib("gray24/gray24_000.png").toString(), ImageOptions.DEFAULT, "gray24_000.png", "channel");
        refused(graph(1, 3, 24, 24), calib("gray24/gray24_000.png").toString(), ImageOptions.DEFAULT, "channel count");
        refused(rgb, garbage.toString(), ImageOptions.DEFAULT, "broken.png", "cannot read the image");
        refused(rgb, empty.toString(), ImageOptions.DEFAULT, "empty", "no .npy, .png");
        refused(rgb, tmp.resolve("missing").toString(), ImageOptions.DEFAULT, "missing", "no such file");
        refused(rgb, garbage.resolveSibling("x.txt").toString(), ImageOptions.DEFAULT, "no such file");
        refused(rgb, calib("rgb32").toString(), new ImageOptions(null, new double[] {1, 2}, null, null), "--mean",
                "3 channels");
        refused(graph(1, 4, 32, 32), calib("rgb32").toString(), new ImageOptions(null, null, null, BayerPattern.RGGB),
                "rgb32_000.png", "single-channel");
        Npy.write(tmp.resolve("ints.npy"), Tensor.ofLongs(new long[] {1, 3, 32, 32}, new long[3 * 32 * 32]));
        refused(rgb, tmp.resolve("ints.npy").toString(), ImageOptions.DEFAULT, "ints.npy", "float");

        Graph two = graph(1, 3, 32, 32);
        Value y = two.valueNamed("y");
        y.setType(DType.FLOAT, Shape.of(1, 3, 32, 32));
        two.addInput(y);
        refused(two, calib("rgb32").toString(), ImageOptions.DEFAULT, "2 inputs", "NAME=DIR");

        // the header is fine, the pixels are cut off: refused when the sample is read
        CalibrationInputs lazy = CalibrationInputs.open(rgb, List.of(truncated.toString()), ImageOptions.DEFAULT);
        ModelException e = assertThrows(ModelException.class, () -> lazy.sample(0));
        assertTrue(e.getMessage().contains("truncated.png") && !e.getMessage().contains("\n"), e.getMessage());
    }

    private static void refused(Graph g, String spec, ImageOptions o, String... words) {
        ModelException e = assertThrows(ModelException.class, () -> CalibrationInputs.open(g, List.of(spec), o));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage() + " lacks " + w);
        }
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
