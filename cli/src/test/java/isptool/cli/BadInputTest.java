package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives exit status 2, one line naming the file (and node/op), no stack trace, no output file. */
class BadInputTest {
    @TempDir
    Path tmp;

    private TestFiles.Run reparam(Path in, String... extra) {
        Path out = tmp.resolve("out.onnx");
        String[] args = Stream.concat(Stream.of("reparam", in.toString(), "-o", out.toString()), Arrays.stream(extra))
                .toArray(String[]::new);
        return TestFiles.isptool(args);
    }

    private void assertBadInput(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "message should mention " + m + ": " + err);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("out.onnx")),
                    "no output (or temporary) file may be left");
        }
    }

    private Path syenet() {
        return TestFiles.testdata("syenet_isp.onnx");
    }

    @Test
    void missingFile() throws IOException {
        Path in = tmp.resolve("nope.onnx");
        assertBadInput(reparam(in), "nope.onnx", "no such file");
    }

    @Test
    void emptyFile() throws IOException {
        Path in = Files.createFile(tmp.resolve("empty.onnx"));
        assertBadInput(reparam(in), "empty.onnx", "empty");
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] all = Files.readAllBytes(syenet());
        Path in = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(all, all.length / 2));
        assertBadInput(reparam(in), "truncated.onnx", "truncated or corrupt");
    }

    @Test
    void corruptBytes() throws IOException {
        byte[] all = Files.readAllBytes(syenet());
        for (int i = 0; i < 64; i++) {
            all[i * 7 % 200] = (byte) 0xff;
        }
        Path in = Files.write(tmp.resolve("corrupt.onnx"), all);
        assertBadInput(reparam(in), "corrupt.onnx");
    }

    @Test
    void notOnnx() throws IOException {
        Path in = Files.writeString(tmp.resolve("notes.onnx"), "this is a text file, not a model\n");
        assertBadInput(reparam(in), "notes.onnx");
    }

    @Test
    void directoryInsteadOfFile() throws IOException {
        Path in = Files.createDirectory(tmp.resolve("folder.onnx"));
        assertBadInput(reparam(in), "folder.onnx", "not a regular file");
    }

    @Test
    void unknownInputShapeName() throws IOException {
        assertBadInput(reparam(syenet(), "--input-shape", "images:1,4,32,32"), "images");
    }

    @Test
    void verifyInputOfWrongShape() throws IOException {
        Path npy = TestFiles.testdata("acnet.input.npy");
        assertBadInput(reparam(syenet(), "--verify-input", npy.toString()), "acnet.input.npy", "does not fit input");
    }

    @Test
    void opTheRuntimeDoesNotKnow() throws IOException {
        Path in = tmp.resolve("custom.onnx");
        TestFiles.acnetEndingIn(in, "FancyTonemap", "tonemap", "mid");
        assertBadInput(reparam(in), "custom.onnx", "tonemap", "FancyTonemap");
    }

    @Test
    void mismatchBeyondToleranceExitsThreeAndWritesNothing() throws IOException {
        TestFiles.Run run = reparam(syenet(), "--tolerance", "0");
        assertEquals(Main.EXIT_MISMATCH, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("was not written"), run.err());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void verboseShowsTheStackTrace() {
        TestFiles.Run run = reparam(tmp.resolve("nope.onnx"), "--verbose");
        assertEquals(Main.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        TestFiles.Run run = TestFiles.isptool("reparam", syenet().toString(), "-o", tmp.resolve("o.onnx").toString(), "--frobnicate");
        assertEquals(Main.EXIT_BAD_INPUT, run.status());
        assertTrue(run.err().contains("--frobnicate"), run.err());
    }

}
