package isptool.graph;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and the shared test material are, from a test's point of view. */
public final class TestPaths {
    private TestPaths() {
    }

    /**
     * The multi-module root: the isptool.root property set by surefire, else the first folder
     * above the working directory holding a .ci folder or the parent pom (the one with modules).
     */
    public static Path root() {
        String prop = System.getProperty("isptool.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".ci")) || isParentPom(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the isptool root above " + Path.of("").toAbsolutePath());
    }

    private static boolean isParentPom(Path pom) {
        try {
            return Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The ONNX backend test models shared between checkouts. */
    public static Path onnxBackendTests() {
        return root().resolve("../shared/conformance/onnx-backend").normalize();
    }
}
