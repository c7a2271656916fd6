package isptool.backends.bench.qnn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Inputs for {@code qnn-net-run}: per graph input (an {@code APP_WRITE} tensor of NAME_net.json,
 * NHWC dims) one {@code .raw} file of float32 little-endian values, uniform in [0, 1) from a seed
 * (qnn-net-run quantizes float input to the tensor's encoding itself), and {@code input_list.txt}
 * with one line: the files in graph input order, separated by spaces.
 */
public final class QnnInputs {
    public static final String LIST = "input_list.txt";

    /** A graph input: its C name and dims. */
    public record Input(String name, int[] dims) {
        long elements() {
            long n = 1;
            for (int d : dims) {
                n *= d;
            }
            return n;
        }
    }

    private QnnInputs() {
    }

    /** Writes the .raw files and the list into {@code dir}; returns the files, the list last. */
    public static List<Path> write(Path dir, List<Input> inputs, long seed) throws IOException {
        Random random = new Random(seed);
        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Input in : inputs) {
            if (in.elements() > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("input " + in.name() + " is too large for one .raw file");
            }
            ByteBuffer b = ByteBuffer.allocate((int) in.elements() * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                b.putFloat(random.nextFloat());
            }
            String file = "input_" + in.name() + ".raw";
            files.add(Files.write(dir.resolve(file), b.array()));
            names.add(file);
        }
        files.add(Files.writeString(dir.resolve(LIST), String.join(" ", names) + "\n"));
        return files;
    }
}
