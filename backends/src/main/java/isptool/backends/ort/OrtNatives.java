package isptool.backends.ort;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Removes the copy of onnxruntime's native libraries that its Java loader extracts into a new
 * {@code java.io.tmpdir/onnxruntime-javaNNN} folder on every start. The loader leaves the library
 * files for deletion at exit and asks for the folder's deletion first, while it still holds them,
 * so every run used to leave one empty folder behind in /tmp (thousands on a CI machine). Once the
 * libraries are loaded their files are not needed any more (a mapped file stays readable after it
 * is unlinked), so they and the folder are deleted right away.
 *
 * <p>This process's folder is found from /proc/self/maps (the libraries mapped from it), never from
 * a name alone, so another process's folder is never touched. Without /proc nothing is done.
 */
final class OrtNatives {
    static final String PREFIX = "onnxruntime-java";

    private OrtNatives() {
    }

    /** The onnxruntime-java folders in the temporary folder that this process maps libraries from. */
    static Set<Path> mappedCopies() {
        Set<Path> dirs = new LinkedHashSet<>();
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return dirs;
        }
        try (BufferedReader r = Files.newBufferedReader(maps)) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int slash = line.indexOf('/');
                if (slash < 0 || line.endsWith(" (deleted)")) {
                    continue;
                }
                Path dir = Path.of(line.substring(slash)).getParent();
                if (dir != null && dir.getFileName() != null && dir.getFileName().toString().startsWith(PREFIX)
                        && dir.getParent() != null && Files.isDirectory(dir) && dir.getParent().toRealPath().equals(tmp)) {
                    dirs.add(dir);
                }
            }
        } catch (IOException | InvalidPathException e) {
            // nothing known: nothing removed
        }
        return dirs;
    }

    /** Deletes this process's extracted copies (files, then the folder); what cannot be deleted stays. */
    static void removeExtractedCopies() {
        for (Path dir : mappedCopies()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                continue;
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // left as onnxruntime leaves it
            }
        }
    }
}
