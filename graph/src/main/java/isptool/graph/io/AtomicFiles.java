package isptool.graph.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that the target name only ever holds a complete file: the bytes go to a
 * temporary file beside it ({@link TempFiles}), created when writing starts, then renamed.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary file beside target, then renames it over target. */
    public static void write(Path target, Writer writer) throws IOException {
        Path tmp = TempFiles.beside(target);
        try {
            try (OutputStream out = new BufferedOutputStream(create(tmp, target), 1 << 20)) {
                writer.write(out);
            }
            moveInto(tmp, target);
        } finally {
            TempFiles.delete(tmp);
        }
    }

    /**
     * Creates the (new) temporary file tmp for writing target, and its folder if missing; a failure
     * names target and the real reason (read-only file system, permission denied...), not tmp.
     */
    public static OutputStream create(Path tmp, Path target) throws IOException {
        try {
            Files.createDirectories(tmp.toAbsolutePath().getParent());
            return Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /**
     * Checks before any work that target can be written: its folder can be made and a file created
     * in it (one is created and removed at once), and target is not a folder.
     */
    public static void checkWritable(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException(target + ": is a folder; give a file name for the output");
        }
        Path probe = TempFiles.beside(target);
        try {
            create(probe, target).close();
        } finally {
            TempFiles.delete(probe);
        }
    }

    /** Renames a finished temporary file to its final name. */
    public static void moveInto(Path tmp, Path target) throws IOException {
        // temporary files are created owner-only; a finished output is an ordinary file (rw-r--r--)
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        if (Files.isDirectory(target)) {
            throw new IOException(target + ": is a folder; give a file name for the output");
        }
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        TempFiles.released(tmp);
    }

    /** "OUT: cannot write: read-only file system" instead of an exception naming a hidden temporary. */
    static IOException cannotWrite(Path target, IOException e) {
        Path dir = target.toAbsolutePath().getParent();
        String why;
        if (e instanceof AccessDeniedException) {
            why = "permission denied in " + dir;
        } else if (e instanceof NoSuchFileException) {
            why = "cannot create files in " + dir;
        } else if (e instanceof FileAlreadyExistsException f && f.getFile() != null
                && !TempFiles.isTemporaryName(Path.of(f.getFile()).getFileName().toString())) {
            why = f.getFile() + " is a file, not a folder";
        } else if (e instanceof NotDirectoryException) {
            why = "a part of " + dir + " is a file, not a folder";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            why = f.getReason().toLowerCase(java.util.Locale.ROOT) + " (" + dir + ")";
        } else {
            why = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        IOException r = new IOException(target + ": cannot write the output: " + why);
        r.initCause(e);
        return r;
    }
}
