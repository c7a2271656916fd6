package isptool.backends.html.images;

import isptool.backends.calib.BayerPattern;
import isptool.backends.html.HtmlPage;
import isptool.backends.verify.Comparison;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The verification images of an image-to-image network on a page: the input (a packed RAW input as
 * its Bayer mosaic and RGB preview), the reference output, the written model's output (both
 * through one {@link PixelRange}, so that they compare pixel for pixel) and the error heat map
 * with its colour bar, under the comparison's figures.
 */
public final class VerificationImages {
    private VerificationImages() {
    }

    /** True when the output can be shown as an image: [N, 1|3|4, H, W]. */
    public static boolean applies(Tensor output) {
        return TensorImages.isImage(output.shape());
    }

    /**
     * Adds the block to a section.
     *
     * @param input the model's input in ONNX layout (NCHW)
     * @param bayer the input's Bayer pattern when it is packed RAW [N, 4, H, W]; null for an image input
     * @param reference the reference output (onnxruntime on the source model)
     * @param actual the written model's output, same shape (else the block says why it shows no images)
     * @param actualLabel what the written model is, e.g. "int8 TFLite"
     * @param scale the error map's full scale
     */
    public static void add(HtmlPage.Section s, Tensor input, BayerPattern bayer, Tensor reference, Tensor actual,
            String actualLabel, ErrorMap.Scale scale) {
        if (!java.util.Arrays.equals(reference.shape(), actual.shape()) || !applies(reference)) {
            s.text("No output images: the reference output is " + Shape.of(reference.shape()) + " and the "
                    + actualLabel + " output " + Shape.of(actual.shape()) + "; images need one shape [N, 1|3|4, H, W].");
            return;
        }
        Comparison c = Comparison.of("output", reference, actual);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("PSNR (dB)", Comparison.db(c.psnr()));
        facts.put("max abs error", String.format(Locale.ROOT, "%.3g", c.maxAbs()));
        facts.put("cosine", String.format(Locale.ROOT, "%.6f", c.cosine()));
        s.facts(facts);
        if (bayer != null && RawImages.isPackedRaw(input.shape())) {
            PixelRange r = PixelRange.of(input);
            png(s, RawImages.mosaic(input, bayer, r), "input: " + bayer + " mosaic, " + r.describe());
            png(s, RawImages.preview(input, r), "input: RGB preview (R, (G1+G2)/2, B)");
        } else if (TensorImages.isImage(input.shape())) {
            PixelRange r = PixelRange.of(input);
            png(s, TensorImages.image(input, r), "input, " + r.describe());
        } else {
            s.text("The input, of shape " + Shape.of(input.shape()) + ", is not an image.");
        }
        if (reference.dim(0) > 1) {
            s.text("Batch 0 of " + reference.dim(0) + " is shown; the figures are over the whole batch.");
        }
        PixelRange out = PixelRange.of(reference, actual);
        s.text("Output: the reference, the " + actualLabel + " model's, and their difference; both outputs "
                + out.describe() + ".");
        png(s, TensorImages.image(reference, out), "reference output (onnxruntime)");
        png(s, TensorImages.image(actual, out), actualLabel + " output");
        ErrorMap map = ErrorMap.of(reference, actual, scale);
        png(s, map.image(), "abs error, largest " + String.format(Locale.ROOT, "%.3g", map.maxAbs()));
        png(s, ErrorLegend.image(), ErrorLegend.caption(map));
    }

    private static void png(HtmlPage.Section s, BufferedImage img, String caption) {
        s.png(Png.bytes(img), img.getWidth(), img.getHeight(), caption);
    }
}
