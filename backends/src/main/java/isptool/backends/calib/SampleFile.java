package isptool.backends.calib;

import isptool.backends.verify.NonFiniteValues;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.RegularFiles;
import isptool.graph.io.TensorFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * One input sample of a one-input model from a file the user names for an option (such as
 * {@code --html-input}): a float32 .npy tensor of the input's shape, or a PNG/JPEG image read as
 * calibration images are ({@link ImageSamples}: scaled to [0, 1] for 8 bits by default,
 * Bayer-packed with {@code --bayer}). Nothing is resized: a file of another shape is refused with
 * one line naming the shape the input wants.
 */
public final class SampleFile {
    private SampleFile() {
    }

    /** The sample for g's only input, checked: readable, of the input's shape, finite. */
    public static Map<String, Tensor> read(Graph g, Path file, ImageOptions options, String option) {
        String label = option + " " + file;
        RegularFiles.require(file, label, "a PNG image or a .npy tensor");
        if (g.inputs().size() != 1) {
            throw new ModelException(label + ": " + g.source() + " has " + g.inputs().size() + " inputs; " + option
                    + " gives the one input of a one-input model");
        }
        Value in = g.inputs().get(0);
        Tensor t;
        try {
            t = CalibrationFiles.isNpy(file) ? npy(in, file) : image(in, file, options);
        } catch (ModelException e) {
            // the readers name the file first; say which option gave it
            throw new ModelException(option + " " + e.getMessage());
        }
        NonFiniteValues bad = NonFiniteValues.of(t);
        if (bad != null) {
            throw new ModelException(label + ": holds " + bad.describe() + "; give a finite sample");
        }
        return Map.of(in.name(), t);
    }

    private static Tensor npy(Value in, Path file) {
        Tensor t = TensorFiles.read(file);
        if (t.dtype() != DType.FLOAT) {
            throw new ModelException(file + ": holds " + t.dtype() + " values; save the sample as float32");
        }
        requireShape(file, in, t.shape(), "the tensor has", "");
        return t;
    }

    private static Tensor image(Value in, Path file, ImageOptions options) {
        ImageSamples.Header h = ImageSamples.header(file);
        if (options.bayer() != null) {
            ImageSamples.requireBayerable(file, h);
        }
        long[] shape = options.bayer() != null ? new long[] {1, 4, h.height() / 2, h.width() / 2}
                : new long[] {1, h.channels(), h.height(), h.width()};
        requireShape(file, in, shape, "the image (" + h.describe() + (options.bayer() != null ? ", Bayer-packed" : "")
                + ") gives", in.shape() != null && in.shape().rank() == 4 && in.shape().dims()[1] == 4
                && options.bayer() == null ? ", e.g. a 2H x 2W grayscale RAW mosaic with --bayer" : "");
        return ImageSamples.read(file, options);
    }

    private static void requireShape(Path file, Value in, long[] have, String what, String hint) {
        if (in.shape() != null && !in.shape().admits(have)) {
            throw new ModelException(file + ": " + what + " shape " + Shape.of(have) + " but input \"" + in.name()
                    + "\" is " + in.shape() + "; give a sample of exactly that shape (nothing is resized)" + hint);
        }
    }
}
