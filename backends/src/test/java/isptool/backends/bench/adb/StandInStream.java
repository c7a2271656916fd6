package isptool.backends.bench.adb;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One ADB stream on the stand-in: bytes the host wrote arrive through {@link #input()}; bytes
 * written here leave as WRTE packets, each waiting for the host's OKAY before the next (the
 * protocol's only flow control).
 */
final class StandInStream {
    private static final byte[] EOF = new byte[0];

    final int deviceId;
    final int hostId;
    private final DeviceStandIn.Connection connection;
    private final LinkedBlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
    private final Semaphore okays = new Semaphore(0);
    private volatile boolean closed;

    StandInStream(DeviceStandIn.Connection connection, int deviceId, int hostId) {
        this.connection = connection;
        this.deviceId = deviceId;
        this.hostId = hostId;
    }

    boolean closed() {
        return closed || connection.closed();
    }

    void received(byte[] data) {
        incoming.add(data);
    }

    void okay() {
        okays.release();
    }

    /** The host closed the stream (or the connection ended): readers see EOF, writers stop. */
    void ended() {
        closed = true;
        incoming.add(EOF);
        okays.release(1000);
    }

    /** Sends {@code data} as WRTE packets; returns false when the host has gone. */
    synchronized boolean write(byte[] data) {
        int max = connection.maxPayload();
        for (int at = 0; at < data.length; at += max) {
            if (closed()) {
                return false;
            }
            byte[] chunk = Arrays.copyOfRange(data, at, Math.min(data.length, at + max));
            if (!connection.send(AdbPacket.WRTE, deviceId, hostId, chunk)) {
                return false;
            }
            try {
                while (!okays.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (closed()) {
                        return false;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !closed();
    }

    /** The device ends the stream: CLSE, which the host echoes. */
    void close() {
        if (!closed) {
            closed = true;
            connection.send(AdbPacket.CLSE, deviceId, hostId, new byte[0]);
        }
    }

    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int pos;
            private boolean eof;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos >= current.length) {
                    if (eof) {
                        return -1;
                    }
                    try {
                        byte[] next = incoming.take();
                        if (next == EOF) {
                            eof = true;
                            return -1;
                        }
                        current = next;
                        pos = 0;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
