package isptool.backends.calib;

import isptool.backends.quant.CalibrationSource;
import isptool.backends.verify.NonFiniteValues;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.TensorFiles;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration samples from files, one per graph input, read when asked: .npy tensors in the ONNX
 * layout (one sample per file, or N samples in one [N, ...] file when the input's batch is 1) and
 * PNG/JPEG images (see {@link ImageSamples}). Every file's shape is checked when the source is
 * opened (image headers only), so a mismatch stops the run before any work.
 */
public final class CalibrationInputs implements CalibrationSource {
    /** One sample of one input: a whole file, or item index of a batched .npy file (index -1 for the whole file). */
    private record Item(Path file, int index) {
        String describe() {
            return index < 0 ? file.toString() : file + "[" + index + "]";
        }
    }

    private final Map<String, List<Item>> items;
    private final Map<String, Value> inputs;
    private final ImageOptions options;
    private final List<String> notes;

    private CalibrationInputs(Map<String, List<Item>> items, Map<String, Value> inputs, ImageOptions options,
            List<String> notes) {
        this.items = items;
        this.inputs = inputs;
        this.options = options;
        this.notes = notes;
    }

    /**
     * Opens the samples named by specs ({@code PATH} for a single-input model, {@code NAME=PATH}
     * otherwise; a PATH is a file or a folder, and several may name the same input) for g's inputs.
     */
    public static CalibrationInputs open(Graph g, List<String> specs, ImageOptions options) {
        if (specs.isEmpty()) {
            throw new ModelException("no calibration data given; pass --calibration DIR (images or .npy files)");
        }
        Map<String, Value> inputs = new LinkedHashMap<>();
        g.inputs().forEach(v -> inputs.put(v.name(), v));
        Map<String, List<Path>> files = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            if (name != null && !inputs.containsKey(name)) {
                if (inputs.size() > 1) {
                    throw new ModelException("--calibration " + spec + ": \"" + name + "\" is not an input of "
                            + g.source() + " (inputs: " + String.join(", ", inputs.keySet()) + ")");
                }
                name = null;
            }
            if (name == null && inputs.size() > 1) {
                throw new ModelException("--calibration " + spec + ": " + g.source() + " has " + inputs.size()
                        + " inputs; write NAME=DIR for each (inputs: " + String.join(", ", inputs.keySet()) + ")");
            }
            String input = name != null ? name : inputs.keySet().iterator().next();
            Path path = Path.of(name != null ? spec.substring(eq + 1) : spec);
            files.computeIfAbsent(input, k -> new ArrayList<>()).addAll(CalibrationFiles.list(path, notes));
        }
        Map<String, List<Item>> items = new LinkedHashMap<>();
        for (Value in : inputs.values()) {
            List<Path> list = files.get(in.name());
            if (list == null) {
                throw new ModelException("--calibration gives no samples for input \"" + in.name() + "\" of "
                        + g.source() + "; add --calibration " + in.name() + "=DIR");
            }
            items.put(in.name(), itemsOf(in, list, options));
        }
        checkCounts(items);
        boolean imageOptions = options.scale() != null || options.mean() != null || options.std() != null;
        if (imageOptions && files.values().stream().flatMap(List::stream).allMatch(CalibrationFiles::isNpy)) {
            notes.add("--calib-scale, --mean and --std apply to image samples only; every sample here is a .npy"
                    + " tensor, used as it is");
        }
        return new CalibrationInputs(items, inputs, options, notes);
    }

    @Override
    public int size() {
        return items.values().iterator().next().size();
    }

    /**
     * These samples without the last one: the last is held out to measure the quantized model on
     * data like the calibration data, not calibrated on. Needs at least 2 samples.
     */
    public CalibrationInputs withoutLast() {
        if (size() < 2) {
            throw new IllegalStateException("one calibration sample cannot be split");
        }
        Map<String, List<Item>> rest = new LinkedHashMap<>();
        items.forEach((name, list) -> rest.put(name, List.copyOf(list.subList(0, list.size() - 1))));
        return new CalibrationInputs(rest, inputs, options, notes);
    }

    @Override
    public Map<String, Tensor> sample(int i) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        items.forEach((name, list) -> r.put(name, read(inputs.get(name), list.get(i))));
        return r;
    }

    @Override
    public String describe(int i) {
        List<String> parts = new ArrayList<>();
        items.values().forEach(list -> parts.add(list.get(i).describe()));
        return String.join(", ", parts);
    }

    /** Lines about skipped folder entries, for the user. */
    public List<String> notes() {
        return notes;
    }

    private Tensor read(Value in, Item item) {
        if (!CalibrationFiles.isNpy(item.file())) {
            Tensor t = ImageSamples.read(item.file(), options);
            requireFits(in, t.shape(), item.file(), "the image gives");
            return requireFinite(t, in, item, " after --calib-scale, --mean and --std");
        }
        Tensor t = npy(item.file());
        if (item.index() < 0) {
            return requireFinite(t, in, item, "");
        }
        long[] shape = t.shape();
        shape[0] = 1;
        int bytes = t.elementCount() / (int) t.dim(0) * 4;
        ByteBuffer data = t.rawData();
        data.position(data.position() + item.index() * bytes).limit(data.position() + bytes);
        return requireFinite(Tensor.wrap(DType.FLOAT, shape, ByteBuffer.allocate(bytes).put(data).flip()), in, item,
                "");
    }

    /** The sample of a batched file holding the first NaN or inf, refused as {@link #requireFinite} does. */
    private static void requireFiniteBatch(Tensor t, Value in, Path file) {
        NonFiniteValues bad = NonFiniteValues.of(t);
        if (bad != null) {
            int perSample = t.elementCount() / (int) t.dim(0);
            int k = bad.firstIndex() / perSample;
            requireFinite(sampleOf(t, k), in, new Item(file, k), "");
        }
    }

    private static Tensor sampleOf(Tensor batch, int k) {
        long[] shape = batch.shape();
        shape[0] = 1;
        int n = batch.elementCount() / (int) batch.dim(0);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) batch.getDouble(k * n + i);
        }
        return Tensor.ofFloats(shape, v);
    }

    /**
     * A NaN or infinite sample would poison every range it touches (min/max, histograms) and the
     * quality report compares nothing on it: refused, naming the file and the sample. .npy samples
     * are checked when the source is opened (their data is read then anyway); image samples, whose
     * values come from --calib-scale, --mean and --std, when they are read.
     */
    private static Tensor requireFinite(Tensor t, Value in, Item item, String after) {
        NonFiniteValues bad = NonFiniteValues.of(t);
        if (bad != null) {
            throw new ModelException(item.describe() + ": the calibration sample for input \"" + in.name() + "\" holds "
                    + bad.describe() + after + "; calibration samples must be finite: fix or remove this sample");
        }
        return t;
    }

    /** The samples of one input, each file's shape checked against the input. */
    private static List<Item> itemsOf(Value in, List<Path> files, ImageOptions options) {
        long[] want = in.shape() == null ? null : in.shape().dims();
        if (files.stream().anyMatch(f -> !CalibrationFiles.isNpy(f))) {
            if (want == null || want.length != 4) {
                throw new ModelException("input \"" + in.name() + "\" has shape " + in.shape() + ", not [N, C, H, W];"
                        + " calibrate it with .npy tensors instead of images");
            }
            options.check((int) want[1], in.name());
        }
        List<Item> r = new ArrayList<>();
        for (Path f : files) {
            if (!CalibrationFiles.isNpy(f)) {
                ImageSamples.Header h = ImageSamples.header(f);
                requireFits(in, imageShape(f, h, options), f, "the image (" + h.describe()
                        + (options.bayer() != null ? ", Bayer-packed" : "") + ") gives");
                r.add(new Item(f, -1));
                continue;
            }
            Tensor t = npy(f);
            long[] have = t.shape();
            if (fits(want, have)) {
                requireFinite(t, in, new Item(f, -1), "");
                r.add(new Item(f, -1));
            } else if (want != null && want.length == have.length && want[0] == 1 && have[0] > 1
                    && fits(Arrays.copyOfRange(want, 1, want.length), Arrays.copyOfRange(have, 1, have.length))) {
                for (int k = 0; k < have[0]; k++) {
                    r.add(new Item(f, k));
                }
                requireFiniteBatch(t, in, f);
            } else {
                requireFits(in, have, f, "the tensor has");
            }
        }
        return r;
    }

    /** The [1, C, H, W] an image file will give, from its header. */
    private static long[] imageShape(Path file, ImageSamples.Header h, ImageOptions options) {
        if (options.bayer() != null) {
            ImageSamples.requireBayerable(file, h);
            return new long[] {1, 4, h.height() / 2, h.width() / 2};
        }
        return new long[] {1, h.channels(), h.height(), h.width()};
    }

    /** A float32 .npy tensor (float16 and float64 files are converted). */
    private static Tensor npy(Path file) {
        Tensor t = TensorFiles.read(file);
        if (t.dtype() == DType.FLOAT) {
            return t;
        }
        if (t.dtype() == DType.DOUBLE || t.dtype() == DType.FLOAT16) {
            return t.cast(DType.FLOAT);
        }
        throw new ModelException(file + ": holds " + t.dtype() + " values; calibration tensors must be float"
                + " (save them as float32 in the model's input range)");
    }

    private static void requireFits(Value in, long[] have, Path file, String what) {
        long[] want = in.shape() == null ? null : in.shape().dims();
        if (fits(want, have)) {
            return;
        }
        String hint = want != null && have.length == want.length && want.length == 4 && have[1] != want[1]
                ? "; the channel count differs (grayscale gives 1, RGB 3, --bayer 4)"
                : "; calibration samples are not resized: give them at the model's input size";
        throw new ModelException(file + ": " + what + " shape " + Arrays.toString(have) + " but input \"" + in.name()
                + "\" is " + Arrays.toString(want) + hint);
    }

    /** True if have fits want, whose unknown (-1) dims match anything; a null want matches all. */
    private static boolean fits(long[] want, long[] have) {
        return want == null || Shape.of(want).admits(have);
    }

    private static void checkCounts(Map<String, List<Item>> items) {
        int first = -1;
        for (Map.Entry<String, List<Item>> e : items.entrySet()) {
            if (first >= 0 && e.getValue().size() != first) {
                throw new ModelException("--calibration gives " + first + " samples for input \""
                        + items.keySet().iterator().next() + "\" but " + e.getValue().size() + " for \"" + e.getKey()
                        + "\"; give the same number for every input (paired in sorted name order)");
            }
            first = e.getValue().size();
        }
    }
}
