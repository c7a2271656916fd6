package isptool.backends.html.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.calib.BayerPattern;
import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SYENet-style ISP net run in onnxruntime on its reference RAW input, and its images. */
class SyenetImagesTest {
    static Path testdata() {
        return Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
    }

    @Test
    void rawInputOutputAndErrorMapOfTheIspNet() throws IOException {
        Tensor raw = Npy.read(testdata().resolve("syenet_isp.input.npy"));
        Tensor reference = Npy.read(testdata().resolve("syenet_isp.output.npy"));
        Tensor out;
        try (OrtRunner ort = OrtRunner.open(testdata().resolve("syenet_isp.onnx"))) {
            out = ort.run(Map.of(ort.inputNames().get(0), raw)).get(ort.outputNames().get(0));
        }

        // the packed RGGB input: a 64 x 64 mosaic and a 32 x 32 preview, in [0, 1]
        PixelRange inRange = PixelRange.of(raw);
        assertEquals(PixelRange.UNIT, inRange);
        Raster mosaic = TensorImagesTest.decoded(RawImages.mosaic(raw, BayerPattern.RGGB, inRange));
        assertEquals(64, mosaic.getWidth());
        assertEquals(64, mosaic.getHeight());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int plane = (y % 2) * 2 + x % 2;
                double v = raw.getDouble((plane * 32 + y / 2) * 32 + x / 2);
                assertEquals(TensorImagesTest.expected(v, 0, 1), mosaic.getSample(x, y, 0));
            }
        }
        BufferedImage preview = RawImages.preview(raw, inRange);
        assertEquals(32, preview.getWidth());

        // the RGB output is not a [0, 1] image (about -0.38..0.36): stretched over both tensors' range
        PixelRange outRange = PixelRange.of(reference, out);
        assertTrue(outRange.stretched(), outRange.describe());
        Raster px = TensorImagesTest.decoded(TensorImages.image(out, outRange));
        assertEquals(64, px.getWidth());
        assertEquals(64, px.getHeight());
        assertEquals(3, px.getNumBands());
        for (int i = 0; i < 3 * 64 * 64; i++) {
            int ch = i / (64 * 64);
            int p = i % (64 * 64);
            assertEquals(TensorImagesTest.expected(out.getDouble(i), outRange.lo(), outRange.hi()),
                    px.getSample(p % 64, p / 64, ch));
        }

        // onnxruntime here against PyTorch's reference: the map's largest error is the comparison's
        ErrorMap map = ErrorMap.of(reference, out, new ErrorMap.Scale.MaxAbs());
        Comparison c = Comparison.of("output", reference, out);
        assertEquals(c.maxAbs(), map.maxAbs(), 1e-12);
        assertTrue(map.maxAbs() < 1e-4, "onnxruntime and PyTorch agree: " + c);
        ErrorMapTest.assertHeat(map, reference, out);

        Path dir = Path.of("target", "html-artifacts");
        Files.createDirectories(dir);
        Files.write(dir.resolve("syenet_isp.mosaic.png"), Png.bytes(RawImages.mosaic(raw, BayerPattern.RGGB, inRange)));
        Files.write(dir.resolve("syenet_isp.preview.png"), Png.bytes(preview));
        Files.write(dir.resolve("syenet_isp.output.png"), Png.bytes(TensorImages.image(out, outRange)));
        Files.write(dir.resolve("syenet_isp.error.png"), Png.bytes(map.image()));
    }
}
