package isptool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's test data is, and running the CLI in-process as a user would. */
final class TestFiles {
    private TestFiles() {
    }

    static Path root() {
        String prop = System.getProperty("isptool.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no testdata/ above the working directory)");
        }
        return p;
    }

    static Path testdata(String name) {
        return root().resolve("testdata").resolve(name);
    }

    /**
     * testdata's acnet with one more node after its last, of the given op type and name (reading a
     * value named mid), written to file.
     */
    static void acnetEndingIn(java.nio.file.Path file, String opType, String nodeName, String mid)
            throws java.io.IOException {
        isptool.graph.Graph g = isptool.graph.io.OnnxImporter.load(testdata("acnet.onnx"));
        isptool.graph.Value y = g.outputs().get(0);
        isptool.graph.Node last = y.producer();
        isptool.graph.Value midValue = g.newValue(mid, y.dtype(), y.shape());
        g.removeNode(last);
        g.addNode(last.opType(), last.name(), last.inputs(), java.util.List.of(midValue));
        g.addNode(opType, nodeName, java.util.List.of(midValue), java.util.List.of(y));
        isptool.graph.io.OnnxExporter.write(g, file);
    }

    /** Exit status and the text printed on stdout and stderr. */
    record Run(int status, String out, String err) {
        /** stderr without bench's progress lines: the error lines (and anything unexpected). */
        String errors() {
            StringBuilder sb = new StringBuilder();
            err.lines().filter(l -> !l.startsWith(BenchCommand.PROGRESS)).forEach(l -> sb.append(l).append('\n'));
            return sb.toString();
        }
    }

    /** isptool in a JVM of its own (what native libraries print to stderr is seen too), output to log. */
    static Process start(java.nio.file.Path log, String... args) throws java.io.IOException {
        return start(log, java.util.List.of(), args);
    }

    /** As above, with these JVM options (-Dname=value) before the class name. */
    static Process start(java.nio.file.Path log, java.util.List<String> jvmOptions, String... args)
            throws java.io.IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmOptions);
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "isptool.cli.Main"));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(
                log.resolveSibling(log.getFileName() + ".err").toFile()).start();
    }

    static Run isptool(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
