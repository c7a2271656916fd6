package isptool.graph.io;

import isptool.graph.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * isptool reads only regular files: opening a FIFO blocks until a writer comes, a device such as
 * /dev/zero never ends, and a folder has no bytes. Every reader of user-given paths asks here first.
 */
public final class RegularFiles {
    private RegularFiles() {
    }

    /**
     * Refuses a path that is missing or is not a regular file after following links.
     *
     * @param label how to name the file in the message (the path as the user gave it)
     * @param what  what to give instead, e.g. "the path of an .onnx model"
     */
    public static void require(Path file, String label, String what) {
        if (!Files.exists(file)) {
            throw new ModelException(label + ": no such file; check the path");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException(label + ": not a regular file (" + kind(file) + "); give " + what);
        }
    }

    /** "a folder", "a FIFO or device", for messages. */
    static String kind(Path file) {
        return Files.isDirectory(file) ? "a folder" : "a FIFO, socket or device";
    }
}
