package isptool.graph.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every temporary file isptool makes, named so that it can always be found again and removed.
 *
 * <p>Names end in {@code ~PID-SEQ.isptool-tmp}: the process that owns the file, and a counter.
 * Files beside an output are hidden ({@code .NAME~PID-SEQ.isptool-tmp}, NAME cut to fit the
 * 255-byte file-name limit, so any legal output name has a legal temporary name). A file is only
 * named here; it is created by whoever writes it, when it is written. Every named file is removed
 * when the process ends normally or by SIGTERM/SIGINT (a shutdown hook); one left by a killed
 * process (SIGKILL, power loss) is removed by the next isptool that writes into the same folder,
 * once no live process can own it: its PID is gone, or belongs to a process started after the file
 * was last written.
 */
public final class TempFiles {
    /** Linux (ext4, xfs, tmpfs...) and macOS limit a file name to 255 bytes. */
    static final int NAME_LIMIT = 255;
    private static final String SUFFIX = ".isptool-tmp";
    private static final Pattern OURS = Pattern.compile("~(\\d+)-\\d+" + Pattern.quote(SUFFIX) + "$");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQ = new AtomicLong();
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::removeAll, "isptool-temp-cleanup"));
    }

    private TempFiles() {
    }

    /**
     * A fresh hidden name in target's folder, not yet a file (nor is the folder made). Stale
     * temporaries of dead isptool processes in that folder are removed first.
     */
    public static Path beside(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        sweep(dir);
        Path fileName = abs.getFileName();
        return register(dir.resolve(name("." + (fileName == null ? "" : fileName.toString()))));
    }

    /** A fresh name in the system's temporary folder, e.g. for a model handed to a runtime by path. */
    public static Path inSystemTemp(String prefix) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Files.createDirectories(dir);
        sweep(dir);
        return register(dir.resolve(name(prefix)));
    }

    /** Deletes a temporary file (if it exists) and forgets it. */
    public static void delete(Path tmp) throws IOException {
        try {
            if (Files.exists(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) { // else its folder may be missing too
                Files.deleteIfExists(tmp);
            }
        } finally {
            LIVE.remove(tmp);
        }
    }

    /** Forgets a temporary file that has been renamed to its final name. */
    static void released(Path tmp) {
        LIVE.remove(tmp);
    }

    /** Whether a file name is an isptool temporary name. */
    public static boolean isTemporaryName(String fileName) {
        return OURS.matcher(fileName).find();
    }

    /** head cut (at a character boundary) so that head + "~PID-SEQ.isptool-tmp" fits NAME_LIMIT bytes. */
    static String name(String head) {
        String tail = "~" + PID + "-" + SEQ.incrementAndGet() + SUFFIX;
        int room = NAME_LIMIT - tail.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < head.length(); ) {
            int cp = head.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > room) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return kept + tail;
    }

    private static Path register(Path p) {
        LIVE.add(p);
        return p;
    }

    /** Removes isptool temporaries in dir that no live process owns; once per folder and process. */
    static void sweep(Path dir) {
        if (!Files.isDirectory(dir) || !SWEPT.add(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = OURS.matcher(f.getFileName().toString());
                if (m.find() && isStale(Long.parseLong(m.group(1)), f)) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException ignored) {
                        // someone else's file we may not delete: leave it
                    }
                }
            }
        } catch (IOException | NumberFormatException | SecurityException ignored) {
            // an unreadable folder: nothing to sweep; writing there will report the real problem
        }
    }

    /** No live process can own a temporary of pid last written at the file's modification time. */
    static boolean isStale(long pid, Path file) throws IOException {
        if (pid == PID) {
            return !LIVE.contains(file);
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty() || !owner.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = owner.get().info().startInstant();
        FileTime written;
        try {
            written = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            return false;
        }
        // the PID was reused: its process started after the file was last written (1 s of slack)
        return started.isPresent() && started.get().isAfter(written.toInstant().plusSeconds(1));
    }

    private static void removeAll() {
        for (Path p : LIVE) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the process is ending: nothing better to do
            }
        }
    }
}
