package isptool.backends.calib;

import isptool.graph.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The files named by --calibration: a file as given, a folder as its .npy, .png, .jpg and .jpeg
 * files in sorted name order (hidden files skipped; other files and sub-folders skipped with a note).
 */
final class CalibrationFiles {
    private CalibrationFiles() {
    }

    /** The sample files of one --calibration path; notes receives a line per skipped entry. */
    static List<Path> list(Path path, List<String> notes) {
        if (!Files.exists(path)) {
            throw new ModelException(path + ": no such file or folder; --calibration takes .npy files, PNG or JPEG"
                    + " images, or folders of them");
        }
        if (!Files.isDirectory(path)) {
            if (!isSampleName(path.getFileName().toString())) {
                throw new ModelException(path + ": not a .npy, .png, .jpg or .jpeg file; --calibration takes those"
                        + " or folders of them");
            }
            return List.of(path);
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(path)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            throw new ModelException(path + ": cannot list the folder: " + e.getMessage());
        }
        List<Path> files = new ArrayList<>();
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            if (Files.isRegularFile(p) && isSampleName(name)) {
                files.add(p);
            } else {
                notes.add("skipped " + p + (Files.isDirectory(p) ? " (a folder; folders are not searched)"
                        : " (not .npy, .png, .jpg or .jpeg)"));
            }
        }
        if (files.isEmpty()) {
            throw new ModelException(path + ": the folder holds no .npy, .png, .jpg or .jpeg file; put the"
                    + " calibration samples there");
        }
        return files;
    }

    static boolean isNpy(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private static boolean isSampleName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".npy") || ImageSamples.isImageName(name);
    }
}
