package isptool.backends.bench.adb;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bare ADB host for testing the stand-in's protocol paths that adb 29 never takes (SND2/RCV2
 * are adb 36's): one stream at a time, every device WRTE answered with OKAY.
 */
final class WireHost implements AutoCloseable {
    private static final int LOCAL_ID = 7;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int remoteId;
    private boolean streamClosed;

    WireHost(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    /** Sends the host CNXN and returns the device's first answer. */
    AdbPacket connect() throws IOException {
        AdbPacket.write(out, AdbPacket.CNXN, AdbPacket.VERSION, AdbPacket.MAX_PAYLOAD,
                "host::features=shell_v2,cmd,stat_v2,ls_v2,sendrecv_v2".getBytes(StandardCharsets.UTF_8));
        return AdbPacket.read(in);
    }

    void send(int command, int arg0, int arg1, byte[] data) throws IOException {
        AdbPacket.write(out, command, arg0, arg1, data);
    }

    AdbPacket read() throws IOException {
        return AdbPacket.read(in);
    }

    /** The next packet, or null when none comes within {@code millis}. */
    AdbPacket readWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return read();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    void okay() throws IOException {
        send(AdbPacket.OKAY, LOCAL_ID, remoteId, new byte[0]);
    }

    /** OPEN; true when the device accepted the service. */
    boolean open(String service) throws IOException {
        send(AdbPacket.OPEN, LOCAL_ID, 0, (service + "\0").getBytes(StandardCharsets.UTF_8));
        AdbPacket p = read();
        remoteId = p.arg0();
        streamClosed = false;
        pending.reset();
        return p.command() == AdbPacket.OKAY && p.arg1() == LOCAL_ID;
    }

    /** WRTE to the open stream (the device's OKAY is consumed by {@link #receive}). */
    void write(byte[] data) throws IOException {
        send(AdbPacket.WRTE, LOCAL_ID, remoteId, data);
    }

    /** Reads device output until {@code n} bytes are there (or the stream ends); returns them. */
    byte[] receive(int n) throws IOException {
        while (pending.size() < n && !streamClosed) {
            AdbPacket p = read();
            if (p.command() == AdbPacket.WRTE) {
                pending.writeBytes(p.data());
                send(AdbPacket.OKAY, LOCAL_ID, remoteId, new byte[0]);
            } else if (p.command() == AdbPacket.CLSE) {
                streamClosed = true;
                send(AdbPacket.CLSE, LOCAL_ID, remoteId, new byte[0]);
            }
        }
        byte[] all = pending.toByteArray();
        int take = Math.min(n, all.length);
        pending.reset();
        pending.write(all, take, all.length - take);
        return Arrays.copyOf(all, take);
    }

    /** Everything until the device closes the stream. */
    byte[] receiveAll() throws IOException {
        return receive(Integer.MAX_VALUE);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
