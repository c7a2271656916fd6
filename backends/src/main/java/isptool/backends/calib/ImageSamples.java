package isptool.backends.calib;

import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG and JPEG images (8- or 16-bit, grayscale or RGB; an alpha channel is ignored, a palette is
 * expanded to RGB) read through javax.imageio as float32 tensors [1, C, H, W] in the ONNX layout.
 */
final class ImageSamples {
    /** What an image file holds, from its header: size, colour channels (after Bayer packing) and bits per sample. */
    record Header(int width, int height, int channels, int bits) {
        String describe() {
            return width + "x" + height + " " + bits + "-bit " + (channels == 1 ? "grayscale" : channels + "-channel");
        }
    }

    private ImageSamples() {
    }

    /** Reads only the header of an image file (no pixel decoding). */
    static Header header(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw unreadable(file, "cannot open it");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unreadable(file, "not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type == null) {
                    type = reader.getImageTypes(0).next();
                }
                int channels = type.getColorModel() instanceof IndexColorModel ? 3
                        : type.getColorModel().getNumColorComponents();
                int bits = type.getColorModel() instanceof IndexColorModel ? 8 : type.getSampleModel().getSampleSize(0);
                return new Header(reader.getWidth(0), reader.getHeight(0), channels, bits);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw e instanceof ModelException m ? m : unreadable(file, message(e));
        }
    }

    /**
     * Decodes the image and turns it into [1, C, H, W]: samples times the scale, Bayer-packed if
     * asked, then normalized per channel with mean and std.
     */
    static Tensor read(Path file, ImageOptions options) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, message(e));
        }
        if (image == null) {
            throw unreadable(file, "not a PNG or JPEG image");
        }
        if (image.getColorModel() instanceof IndexColorModel) {
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            image = rgb;
        }
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int channels = image.getColorModel().getNumColorComponents();
        double scale = options.scaleFor(raster.getSampleModel().getSampleSize(0));
        int[] samples = new int[channels * w * h];
        for (int c = 0; c < channels; c++) {
            int[] plane = raster.getSamples(0, 0, w, h, c, (int[]) null);
            System.arraycopy(plane, 0, samples, c * w * h, plane.length);
        }
        if (options.bayer() != null) {
            requireBayerable(file, new Header(w, h, channels, 0));
            samples = options.bayer().pack(samples, h, w);
            channels = 4;
            h /= 2;
            w /= 2;
        }
        return Tensor.ofFloats(new long[] {1, channels, h, w}, normalize(samples, channels, scale, options));
    }

    /** Refuses a Bayer mosaic that is not one channel or has an odd side. */
    static void requireBayerable(Path file, Header header) {
        if (header.channels() != 1) {
            throw new ModelException(file + ": --bayer needs a single-channel RAW image, but this one has "
                    + header.channels() + " channels; save the mosaic as a grayscale PNG");
        }
        if (header.width() % 2 != 0 || header.height() % 2 != 0) {
            throw new ModelException(file + ": --bayer needs an even width and height, but the image is "
                    + header.width() + "x" + header.height());
        }
    }

    /** {@code x = (sample * scale - mean[c]) / std[c]}, computed in double, per channel plane. */
    private static float[] normalize(int[] samples, int channels, double scale, ImageOptions options) {
        float[] r = new float[samples.length];
        int plane = samples.length / channels;
        for (int c = 0; c < channels; c++) {
            double mean = options.meanOf(c);
            double std = options.stdOf(c);
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                r[i] = (float) ((samples[i] * scale - mean) / std);
            }
        }
        return r;
    }

    /** True for the file names read as images. */
    static boolean isImageName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static ModelException unreadable(Path file, String why) {
        String size = "";
        try {
            size = " (" + Files.size(file) + " bytes)";
        } catch (IOException ignored) {
            // the size is only decoration for the message
        }
        return new ModelException(file + size + ": cannot read the image: " + why
                + "; give an 8- or 16-bit PNG or a JPEG, or a .npy tensor");
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ");
    }
}
