package isptool.backends.html;

import isptool.graph.io.JsonText;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's /usr/bin/chromium) for the report page tests, driven over the Chrome
 * DevTools Protocol with the JDK's WebSocket: open a page from a file, collect its console errors
 * and uncaught exceptions, evaluate JavaScript, hover and click elements, write screenshots to
 * target/html-artifacts. A missing chromium fails the test with what to install; it never skips.
 *
 * <pre>
 * Browser browser = Browser.shared();
 * browser.open(page);
 * assertEquals(List.of(), browser.errors());
 * double boxes = browser.number("document.querySelectorAll('g.op').length");
 * browser.screenshot("check_syenet");
 * </pre>
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Screenshots go here (relative to the module being tested, as surefire runs there). */
    public static final Path ARTIFACTS = Path.of("target", "html-artifacts");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();
    private Path page;

    private Browser(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    private static Browser shared;

    /**
     * One browser for all the tests of a JVM, started on first use and closed when the JVM ends
     * (starting chromium takes about a second).
     */
    public static synchronized Browser shared() throws IOException, InterruptedException {
        if (shared == null) {
            Browser b = start();
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
            shared = b;
        }
        return shared;
    }

    /** Starts chromium headless with a fresh profile and connects to its first tab. */
    public static Browser start() throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " not found: the HTML report tests render pages in headless "
                    + "Chromium; install Debian's package (apt-get install chromium), as .ci/run does");
        }
        Path profile = Files.createTempDirectory("isptool-chromium");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--window-size=1400,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            String[] port = activePort(p, profile);
            String ws = pageSocket(port[0]);
            Holder holder = new Holder();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(ws), holder).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Browser b = new Browser(p, profile, socket);
            holder.browser = b;
            b.call("Runtime.enable", Map.of());
            b.call("Log.enable", Map.of());
            b.call("Page.enable", Map.of());
            b.call("Emulation.setDeviceMetricsOverride",
                    Map.of("width", 1400, "height", 900, "deviceScaleFactor", 1, "mobile", false));
            return b;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            deleteTree(profile);
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw e instanceof IOException io ? io : new IOException("starting headless chromium: " + e, e);
        }
    }

    /** Navigates to the file and waits for its load event; forgets the errors of the page before. */
    public void open(Path html) throws IOException {
        errors.clear();
        page = html;
        loaded = new CompletableFuture<>();
        call("Page.navigate", Map.of("url", html.toAbsolutePath().toUri().toString()));
        try {
            loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("page " + html + " did not finish loading: " + e, e);
        }
        // let the first frame paint and pending microtasks (the page's script) run
        evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))");
    }

    /** Console errors, uncaught exceptions and error log entries (CSP refusals...) since open. */
    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** The value of a JavaScript expression (promises awaited) as JSON-decoded Java objects. */
    public Object evaluate(String expression) throws IOException {
        Map<String, Object> r = call("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            Map<String, Object> d = Json.object(r.get("exceptionDetails"));
            Object ex = d.get("exception");
            throw new AssertionError("JavaScript error in `" + expression + "`: "
                    + (ex == null ? d.get("text") : Json.object(ex).get("description")));
        }
        return Json.object(r.get("result")).get("value");
    }

    public double number(String expression) throws IOException {
        Object v = evaluate(expression);
        if (!(v instanceof Double d)) {
            throw new AssertionError("`" + expression + "` is " + v + ", not a number");
        }
        return d;
    }

    public String text(String expression) throws IOException {
        return String.valueOf(evaluate(expression));
    }

    /**
     * The RGBA bytes of the first image matching a CSS selector, as the browser decoded it (drawn at
     * its natural size on a canvas and read back), row by row; null-free, length 4 * w * h.
     */
    public int[] pixels(String imgSelector) throws IOException {
        Object v = evaluate("(async () => { const img = document.querySelector(" + JsonText.write(imgSelector).trim() + ");"
                + " await img.decode(); const c = document.createElement('canvas');"
                + " c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d');"
                + " g.drawImage(img, 0, 0); return Array.from(g.getImageData(0, 0, c.width, c.height).data); })()");
        List<?> list = (List<?>) v;
        int[] rgba = new int[list.size()];
        for (int i = 0; i < rgba.length; i++) {
            rgba[i] = ((Double) list.get(i)).intValue();
        }
        return rgba;
    }

    /** Moves the mouse over the centre of the first element matching a CSS selector. */
    public void hover(String selector) throws IOException {
        double[] at = centre(selector);
        mouse("mouseMoved", at);
    }

    /** Clicks the centre of the first element matching a CSS selector. */
    public void click(String selector) throws IOException {
        double[] at = centre(selector);
        mouse("mouseMoved", at);
        mouse("mousePressed", at);
        mouse("mouseReleased", at);
    }

    /**
     * Writes a PNG of the page (its whole height up to maxHeight CSS pixels, scrolled drawings
     * unfolded) to target/html-artifacts/NAME.png, and the page itself beside it as NAME.html (to
     * open by hand); returns the PNG's path.
     */
    public Path screenshot(String name, int maxHeight) throws IOException {
        // the pages scroll a tall drawing inside its box; the screenshot shows it whole
        evaluate("document.querySelectorAll('.svg').forEach(e => e.style.maxHeight = 'none')");
        Map<String, Object> metrics = call("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = Json.object(metrics.get("cssContentSize"));
        double w = Math.max(1, (Double) size.get("width"));
        double h = Math.min(maxHeight, Math.max(1, (Double) size.get("height")));
        Map<String, Object> clip = new LinkedHashMap<>();
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", w);
        clip.put("height", h);
        clip.put("scale", 1);
        Map<String, Object> r = call("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Path out = ARTIFACTS.resolve(name + ".png");
        Files.createDirectories(ARTIFACTS);
        Files.write(out, Base64.getDecoder().decode((String) r.get("data")));
        Files.copy(page, ARTIFACTS.resolve(name + ".html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    public Path screenshot(String name) throws IOException {
        return screenshot(name, 6000);
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the process is ended below either way
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private double[] centre(String selector) throws IOException {
        Object v = evaluate("(() => { const e = document.querySelector(" + JsonText.write(selector).trim() + ");"
                + " if (!e) return null; e.scrollIntoView({block: 'center', inline: 'center'});"
                + " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()");
        if (!(v instanceof List<?> xy)) {
            throw new AssertionError("no element matches " + selector);
        }
        return new double[] {(Double) xy.get(0), (Double) xy.get(1)};
    }

    private void mouse(String type, double[] at) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", type);
        p.put("x", at[0]);
        p.put("y", at[1]);
        if (!type.equals("mouseMoved")) {
            p.put("button", "left");
            p.put("clickCount", 1);
        }
        call("Input.dispatchMouseEvent", p);
    }

    /** Sends one protocol command and waits for its result (an error reply throws). */
    Map<String, Object> call(String method, Map<String, ?> params) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("method", method);
        msg.put("params", params);
        try {
            socket.sendText(JsonText.write(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Object> r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.containsKey("error")) {
                throw new IOException(method + ": " + r.get("error"));
            }
            Object result = r.get("result");
            return result == null ? Map.of() : Json.object(result);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(method + ": no reply from chromium (" + e + "); its log: " + profile.resolve("chromium.log"), e);
        } finally {
            pending.remove(id);
        }
    }

    private void received(Map<String, Object> msg) {
        if (msg.get("id") instanceof Double id) {
            CompletableFuture<Map<String, Object>> f = pending.get(id.intValue());
            if (f != null) {
                f.complete(msg);
            }
            return;
        }
        String method = String.valueOf(msg.get("method"));
        Map<String, Object> p = msg.get("params") == null ? Map.of() : Json.object(msg.get("params"));
        switch (method) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(p.get("type")) || "assert".equals(p.get("type"))) {
                    errors.add("console." + p.get("type") + ": " + p.get("args"));
                }
            }
            case "Runtime.exceptionThrown" -> {
                Map<String, Object> d = Json.object(p.get("exceptionDetails"));
                Object ex = d.get("exception");
                errors.add("exception: " + (ex == null ? d.get("text") : Json.object(ex).get("description")));
            }
            case "Log.entryAdded" -> {
                Map<String, Object> e = Json.object(p.get("entry"));
                if ("error".equals(e.get("level"))) {
                    errors.add("log " + e.get("source") + ": " + e.get("text") + " " + e.getOrDefault("url", ""));
                }
            }
            default -> {
            }
        }
    }

    /** Reads "PORT\n/devtools/browser/ID" that chromium writes into its profile once it listens. */
    private static String[] activePort(Process p, Path profile) throws IOException, InterruptedException {
        Path file = profile.resolve("DevToolsActivePort");
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) {
                    return new String[] {lines.get(0).trim(), lines.get(1).trim()};
                }
            }
            if (!p.isAlive()) {
                throw new IOException("chromium exited with status " + p.exitValue() + ": "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        throw new IOException("chromium did not open its DevTools port within " + TIMEOUT.toSeconds() + " s");
    }

    /** The WebSocket address of chromium's first page target (from its /json/list). */
    private static String pageSocket(String port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build();
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
            for (Object t : (List<?>) Json.parse(body)) {
                Map<String, Object> target = Json.object(t);
                if ("page".equals(target.get("type"))) {
                    return (String) target.get("webSocketDebuggerUrl");
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("chromium lists no page target: " + body);
            }
            Thread.sleep(50);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }

    /** Collects text frames into messages and hands them to the browser. */
    private static final class Holder implements WebSocket.Listener {
        volatile Browser browser;
        private final StringBuilder part = new StringBuilder();
        private final List<Map<String, Object>> early = new ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                Map<String, Object> msg = Json.object(Json.parse(part.toString()));
                part.setLength(0);
                deliver(msg);
            }
            ws.request(1);
            return null;
        }

        private synchronized void deliver(Map<String, Object> msg) {
            if (browser == null) {
                early.add(msg);
                return;
            }
            early.forEach(browser::received);
            early.clear();
            browser.received(msg);
        }
    }
}
