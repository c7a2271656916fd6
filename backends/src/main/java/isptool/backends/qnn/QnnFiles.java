package isptool.backends.qnn;

import isptool.graph.io.AtomicFiles;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four files of a QNN model, all made from one QnnGraph: NAME.cpp, NAME.bin (tar of the
 * statics' .raw members), NAME_net.json and NAME.encodings.json. {@link #writeTo} writes every
 * file to a temporary name beside its target first and renames only when all are written, so a
 * failure leaves no partial set.
 */
public record QnnFiles(String name, String cpp, byte[] bin, String netJson, String encodings) {
    public static QnnFiles of(QnnGraph g, int tensorVersion, QnnEncodingsJson.Format format, String commandLine) {
        return new QnnFiles(g.name(), QnnCppWriter.write(g, tensorVersion, commandLine), QnnTar.write(members(g)),
                QnnNetJson.write(g, tensorVersion), QnnEncodingsJson.write(g, format));
    }

    /** The .raw members of NAME.bin: each static tensor's data under {@code <name>.raw}. */
    public static Map<String, byte[]> members(QnnGraph g) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (QnnTensor t : g.statics()) {
            m.put(t.name() + ".raw", t.data());
        }
        return m;
    }

    /** File name to contents. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put(name + ".cpp", cpp.getBytes(StandardCharsets.UTF_8));
        f.put(name + ".bin", bin);
        f.put(name + "_net.json", netJson.getBytes(StandardCharsets.UTF_8));
        f.put(name + ".encodings.json", encodings.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    /** Writes the files into dir (created if missing); returns their paths. */
    public List<Path> writeTo(Path dir) throws IOException {
        return writeAll(dir, files());
    }

    /** Writes files (name to contents) into dir, each to a temporary name first, renamed only when all are written. */
    public static List<Path> writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        Map<Path, Path> pending = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                Path tmp = TempFiles.beside(target);
                pending.put(tmp, target);
                Files.write(tmp, f.getValue());
            }
            List<Path> written = new ArrayList<>();
            for (Map.Entry<Path, Path> p : pending.entrySet()) {
                AtomicFiles.moveInto(p.getKey(), p.getValue());
                written.add(p.getValue());
            }
            return written;
        } finally {
            for (Path tmp : pending.keySet()) {
                TempFiles.delete(tmp);
            }
        }
    }
}
