package isptool.graph.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that the target name only ever holds a complete file. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary file beside target, then renames it over target. */
    public static void write(Path target, Writer writer) throws IOException {
        Path tmp = temporaryBeside(target);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writer.write(out);
            }
            moveInto(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A fresh hidden file name in target's folder, for writing before {@link #moveInto}. */
    public static Path temporaryBeside(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    }

    /** Renames a finished temporary file to its final name. */
    public static void moveInto(Path tmp, Path target) throws IOException {
        // temporary files are created owner-only; a finished output is an ordinary file (rw-r--r--)
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
