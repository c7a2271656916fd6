package isptool.backends;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared ONNX conformance data: {@code <root>/../shared/conformance/onnx-backend}. */
public final class ConformanceData {
    private static final Path RELATIVE = Path.of("shared", "conformance", "onnx-backend");

    private ConformanceData() {
    }

    /**
     * The data folder, from the {@code isptool.root} property that surefire sets to the project
     * root, else found by walking up from the working directory.
     */
    public static Path root() {
        String rootProperty = System.getProperty("isptool.root");
        if (rootProperty != null) {
            Path p = Path.of(rootProperty).toAbsolutePath().normalize().resolveSibling(RELATIVE);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(RELATIVE);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("ONNX conformance data not found: expected " + RELATIVE + " beside the"
                + " project root (isptool.root=" + rootProperty + ") or above " + Path.of("").toAbsolutePath());
    }
}
