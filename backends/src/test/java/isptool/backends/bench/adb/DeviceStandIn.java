package isptool.backends.bench.adb;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A phone for tests: a loopback server speaking the ADB wire protocol as BENCH.md §3 describes, so
 * the real {@code adb} binary can {@code connect} to it. Shell commands run in a sandbox folder
 * that plays the phone ({@code /data/local/tmp} maps into it; see {@link StandInShell}), sync
 * push/pull read and write there ({@link StandInSync}). Everything the device received is recorded
 * for assertions.
 */
public final class DeviceStandIn implements AutoCloseable {
    /** How the device answers the host's CNXN. */
    public enum Auth {
        /** CNXN at once, like a device with {@code ro.adb.secure=0}. */
        SKIP,
        /** AUTH tokens, never accepting a key: the host lists the device as {@code unauthorized}. */
        UNAUTHORIZED
    }

    /** A file that arrived by sync push: where, its bytes and the mode the host sent. */
    public record Push(String path, byte[] bytes, int mode) {
    }

    final Path phone;
    final Path tools;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private String features = "shell_v2,cmd,stat_v2,fixed_push_mkdir,sendrecv_v2";
    private Auth auth = Auth.SKIP;
    private volatile String dropOffOn;
    private volatile String dropOffOnPush;
    private volatile long noSpaceAbove = Long.MAX_VALUE;

    public final List<String> commands = new CopyOnWriteArrayList<>();
    public final List<Push> pushes = new CopyOnWriteArrayList<>();
    final List<String> pulls = new CopyOnWriteArrayList<>();
    public final List<String> services = new CopyOnWriteArrayList<>();
    /** Sync request ids in arrival order: STAT or STA2, SEND or SND2, RECV, QUIT, ... */
    final List<String> syncRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger refusedKeys = new AtomicInteger();

    private ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private StandInShell shell;

    /** @param root an empty scratch folder: the phone's files go to ROOT/phone, its tools to ROOT/tools */
    public DeviceStandIn(Path root) {
        this.phone = root.resolve("phone");
        this.tools = root.resolve("tools");
        properties.put("ro.product.name", "standin_arm64");
        properties.put("ro.product.model", "StandIn 9");
        properties.put("ro.product.device", "standin");
        properties.put("ro.soc.model", "SM8550");
        properties.put("ro.board.platform", "kalama");
        properties.put("ro.build.version.sdk", "34");
        properties.put("ro.product.cpu.abi", "arm64-v8a");
    }

    public DeviceStandIn property(String name, String value) {
        if (value == null) {
            properties.remove(name);
        } else {
            properties.put(name, value);
        }
        return this;
    }

    /** The {@code features=} list of the banner; without {@code shell_v2} adb sends legacy {@code shell:}. */
    public DeviceStandIn features(String commaSeparated) {
        this.features = commaSeparated;
        return this;
    }

    public DeviceStandIn auth(Auth mode) {
        this.auth = mode;
        return this;
    }

    /** The next shell command containing {@code text} makes the device vanish: socket closed, no more listening. */
    void dropOffOn(String text) {
        this.dropOffOn = text;
    }

    /** The device vanishes when a push to {@code path} begins (its SEND arrives). */
    void dropOffOnPush(String path) {
        this.dropOffOnPush = path;
    }

    boolean shouldDropOffOnPush(String path) {
        return path.equals(dropOffOnPush);
    }

    /** Pushes of more than {@code bytes} fail like a full /data partition. */
    void noSpaceAbove(long bytes) {
        this.noSpaceAbove = bytes;
    }

    long noSpaceAbove() {
        return noSpaceAbove;
    }

    /**
     * Listens on 127.0.0.1:{@code port}, 0 = a free one. Never in 5555-5585: adb's server scans
     * those by itself and would list the stand-in as {@code emulator-N} without {@code connect}.
     */
    public DeviceStandIn start(int port) throws IOException {
        Files.createDirectories(phone.resolve("data/local/tmp"));
        shell = new StandInShell(this, properties);
        do {
            if (server != null) {
                server.close();
            }
            server = new ServerSocket(port, 10, InetAddress.getLoopbackAddress());
        } while (port == 0 && server.getLocalPort() >= 5555 && server.getLocalPort() <= 5585);
        Thread acceptor = new Thread(this::accept, "standin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The sandbox file playing a device path under /data/local/tmp. */
    public Path onPhone(String devicePath) {
        return phone.resolve(devicePath.substring(1));
    }

    public boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Connection c = new Connection(socket);
                connections.add(c);
                Thread t = new Thread(c, "standin-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The device vanishes: every connection drops and nobody answers on the port any more. */
    void vanish() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        connections.forEach(Connection::drop);
    }

    boolean shouldDropOff(String command) {
        String trigger = dropOffOn;
        return trigger != null && command.contains(trigger);
    }

    @Override
    public void close() {
        vanish();
        if (shell != null) {
            shell.destroyAll();
        }
    }

    /** One host connection (the adb server's transport to this device). */
    final class Connection implements Runnable {
        private final Socket socket;
        private OutputStream out;
        private volatile int maxPayload = 4096;
        private volatile boolean closed;
        private final Map<Integer, StandInStream> streams = new ConcurrentHashMap<>();
        private final AtomicInteger nextId = new AtomicInteger(1);
        private final SecureRandom random = new SecureRandom();

        Connection(Socket socket) {
            this.socket = socket;
        }

        int maxPayload() {
            return maxPayload;
        }

        boolean closed() {
            return closed;
        }

        synchronized boolean send(int command, int arg0, int arg1, byte[] data) {
            if (closed) {
                return false;
            }
            try {
                AdbPacket.write(out, command, arg0, arg1, data);
                return true;
            } catch (IOException e) {
                drop();
                return false;
            }
        }

        void drop() {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            streams.values().forEach(StandInStream::ended);
        }

        @Override
        public void run() {
            try (socket) {
                out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                while (!closed) {
                    handle(AdbPacket.read(in));
                }
            } catch (IOException e) {
                // the host went away or the device vanished
            } finally {
                drop();
            }
        }

        private void handle(AdbPacket p) throws IOException {
            switch (p.command()) {
                case AdbPacket.CNXN -> {
                    maxPayload = Math.min(AdbPacket.MAX_PAYLOAD, Math.max(4096, p.arg1()));
                    if (auth == Auth.SKIP) {
                        sendBanner();
                    } else {
                        sendToken();
                    }
                }
                case AdbPacket.AUTH -> {
                    if (p.arg0() == 2) {
                        sendToken();
                    } else if (p.arg0() == 3) {
                        refusedKeys.incrementAndGet();
                    }
                }
                case AdbPacket.OPEN -> open(p);
                case AdbPacket.OKAY -> {
                    StandInStream s = streams.get(p.arg1());
                    if (s != null) {
                        s.okay();
                    }
                }
                case AdbPacket.WRTE -> {
                    StandInStream s = streams.get(p.arg1());
                    if (s != null) {
                        s.received(p.data());
                        send(AdbPacket.OKAY, s.deviceId, s.hostId, new byte[0]);
                    }
                }
                case AdbPacket.CLSE -> {
                    StandInStream s = streams.remove(p.arg1());
                    if (s != null) {
                        boolean hostStarted = !s.closed();
                        s.ended();
                        if (hostStarted) {
                            send(AdbPacket.CLSE, s.deviceId, s.hostId, new byte[0]);
                        }
                    }
                }
                default -> throw new IOException("unexpected packet " + Integer.toHexString(p.command()));
            }
        }

        private void sendBanner() {
            String banner = "device::ro.product.name=" + properties.get("ro.product.name")
                    + ";ro.product.model=" + properties.get("ro.product.model")
                    + ";ro.product.device=" + properties.get("ro.product.device")
                    + ";features=" + features;
            send(AdbPacket.CNXN, AdbPacket.VERSION, AdbPacket.MAX_PAYLOAD, banner.getBytes(StandardCharsets.UTF_8));
        }

        private void sendToken() {
            byte[] token = new byte[20];
            random.nextBytes(token);
            send(AdbPacket.AUTH, 1, 0, token);
        }

        private void open(AdbPacket p) {
            String service = new String(p.data(), StandardCharsets.UTF_8);
            int nul = service.indexOf('\0');
            if (nul >= 0) {
                service = service.substring(0, nul);
            }
            services.add(service);
            StandInStream s = new StandInStream(this, nextId.getAndIncrement(), p.arg0());
            Runnable handler = handlerFor(service, s);
            if (handler == null) {
                send(AdbPacket.CLSE, 0, p.arg0(), new byte[0]);
                return;
            }
            streams.put(s.deviceId, s);
            send(AdbPacket.OKAY, s.deviceId, s.hostId, new byte[0]);
            Thread t = new Thread(() -> {
                try {
                    handler.run();
                } catch (UncheckedIOException e) {
                    // the stream ended under the handler
                } finally {
                    s.close();
                }
            }, "standin-" + service.split("[:,]")[0]);
            t.setDaemon(true);
            t.start();
        }

        private Runnable handlerFor(String service, StandInStream s) {
            if (service.equals("sync:")) {
                return () -> new StandInSync(DeviceStandIn.this, s).serve();
            }
            int colon = service.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String kind = service.substring(0, colon);
            String command = service.substring(colon + 1);
            if (kind.equals("shell") || kind.startsWith("shell,")) {
                List<String> args = List.of(kind.split(","));
                boolean v2 = args.contains("v2") && features.contains("shell_v2");
                return () -> shell.serve(s, command, v2 ? StandInShell.Mode.V2 : StandInShell.Mode.LEGACY, this);
            }
            if (kind.equals("exec")) {
                return () -> shell.serve(s, command, StandInShell.Mode.EXEC, this);
            }
            return null;
        }
    }
}
