package isptool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Telling model files apart by their first bytes, for a name that says neither .onnx nor .tflite. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** The first 8 bytes of a regular file (fewer if it is shorter). */
    static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        }
    }

    /** TFLite's FlatBuffer file identifier "TFL3" at bytes 4..8. */
    static boolean isTflite(byte[] head) {
        return head.length == 8 && new String(head, 4, 4, StandardCharsets.US_ASCII).equals("TFL3");
    }

    /** An ONNX ModelProto starts with field 1 (ir_version, a varint): tag byte 0x08. */
    static boolean looksLikeOnnx(byte[] head) {
        return head.length == 8 && head[0] == 0x08;
    }
}
