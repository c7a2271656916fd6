package isptool.backends.bench.qnn;

import isptool.graph.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of a QNN run found in the user's {@code --qnn-sdk DIR} (searched with its subfolders,
 * so an SDK tree or a flat folder both work): the built model, either a context binary
 * ({@code NAME.serialized.bin}, else the one {@code *.bin} there, from
 * {@code qnn-context-binary-generator}; preferred) or a model library ({@code libNAME.so} from
 * {@code qnn-model-lib-generator}), and the SDK's aarch64-android {@code qnn-net-run},
 * {@code qnn-profile-viewer}, {@code libQnnHtp.so}, {@code libQnnSystem.so},
 * {@code libQnnHtpPrepare.so} (model library only) and, per HTP version, the
 * {@code libQnnHtpV<NN>Stub.so} / {@code Skel.so} pair (QNN.md §8). A name found in several
 * places is taken from an {@code aarch64-android} folder (a {@code Skel} from {@code hexagon-vNN}).
 * A missing file is a {@link ModelException} naming it.
 */
public final class QnnSdkFiles {
    /** One file to put into the run folder: from where, under which name, with which mode. */
    public record Staged(Path local, String name, int mode) {
    }

    private final Path dir;
    private final Map<String, List<Path>> byName;
    private final Path model;
    private final boolean context;

    private QnnSdkFiles(Path dir, Map<String, List<Path>> byName, Path model, boolean context) {
        this.dir = dir;
        this.byName = byName;
        this.model = model;
        this.context = context;
    }

    /** Finds the built model of {@code name} and the SDK files every run needs; the HTP pair comes with {@link #staged}. */
    public static QnnSdkFiles find(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException(dir + ": --qnn-sdk names no folder; give the folder holding the built model and the"
                    + " QNN SDK's aarch64-android files");
        }
        Map<String, List<Path>> byName = index(dir);
        Path model = null;
        boolean context = true;
        List<Path> bins = byName.entrySet().stream().filter(e -> e.getKey().endsWith(".bin"))
                .flatMap(e -> e.getValue().stream()).filter(p -> !isTar(p)).toList();
        if (byName.containsKey(name + ".serialized.bin")) {
            model = byName.get(name + ".serialized.bin").get(0);
        } else if (bins.size() == 1) {
            model = bins.get(0);
        } else if (bins.size() > 1) {
            throw new ModelException(dir + ": " + bins.size() + " .bin files (" + String.join(", ",
                    bins.stream().map(p -> dir.relativize(p).toString()).toList()) + ") and no " + name
                    + ".serialized.bin; keep only the context binary qnn-context-binary-generator made for " + name);
        } else if (byName.containsKey("lib" + name + ".so")) {
            model = pick(byName.get("lib" + name + ".so"), "aarch64-android");
            context = false;
        } else {
            throw new ModelException(dir + ": no built model of " + name + ": put there a context binary (" + name
                    + ".serialized.bin from qnn-context-binary-generator) or a model library (lib" + name
                    + ".so from qnn-model-lib-generator -t aarch64-android) made from " + name + ".cpp and " + name + ".bin");
        }
        QnnSdkFiles files = new QnnSdkFiles(dir, byName, model, context);
        for (String tool : List.of("qnn-net-run", "qnn-profile-viewer", "libQnnHtp.so", "libQnnSystem.so")) {
            files.require(tool, "aarch64-android");
        }
        if (!context) {
            files.require("libQnnHtpPrepare.so", "aarch64-android");
        }
        return files;
    }

    /** Whether the model is a context binary ({@code --retrieve_context}) rather than a library ({@code --model}). */
    public boolean context() {
        return context;
    }

    /** The built model's file. */
    public Path model() {
        return model;
    }

    /**
     * Everything to push for HTP version {@code arch} ({@code v73}): binaries 0755, libraries and
     * the model 0644, each under its own file name.
     */
    public List<Staged> staged(String arch) {
        String infix = HtpArch.libraryInfix(arch);
        List<Staged> out = new ArrayList<>();
        out.add(new Staged(require("qnn-net-run", "aarch64-android"), "qnn-net-run", 0755));
        out.add(new Staged(require("qnn-profile-viewer", "aarch64-android"), "qnn-profile-viewer", 0755));
        List<String> libraries = new ArrayList<>(List.of("libQnnHtp.so", "libQnnSystem.so", "libQnnHtp" + infix + "Stub.so"));
        if (!context) {
            libraries.add("libQnnHtpPrepare.so");
        }
        for (String lib : libraries) {
            out.add(new Staged(require(lib, "aarch64-android"), lib, 0644));
        }
        String skel = "libQnnHtp" + infix + "Skel.so";
        out.add(new Staged(require(skel, "hexagon-" + arch), skel, 0644));
        out.add(new Staged(model, model.getFileName().toString(), 0644));
        return out;
    }

    private Path require(String file, String preferred) {
        List<Path> found = byName.get(file);
        if (found == null) {
            throw new ModelException(dir + ": no " + file + "; copy it from the QNN SDK ("
                    + (file.startsWith("qnn-") ? "bin/aarch64-android" : file.contains("Skel")
                            ? "lib/" + preferred + "/unsigned" : "lib/aarch64-android") + ") into --qnn-sdk");
        }
        return pick(found, preferred);
    }

    /** The first path (in sorted order) with {@code preferred} in it, else the first. */
    private static Path pick(List<Path> paths, String preferred) {
        return paths.stream().filter(p -> p.toString().contains(preferred)).findFirst().orElse(paths.get(0));
    }

    /** convert's NAME.bin (a ustar of the weights) is the model library's input, not a context binary. */
    private static boolean isTar(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(262);
            return head.length == 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<Path>> index(Path dir) {
        Map<String, List<Path>> byName = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir, 8)) {
            files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString))
                    .forEach(p -> byName.computeIfAbsent(p.getFileName().toString(), k -> new ArrayList<>()).add(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }
}
