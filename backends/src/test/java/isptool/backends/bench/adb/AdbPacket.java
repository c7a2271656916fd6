package isptool.backends.bench.adb;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One ADB transport message (BENCH.md §3): six little-endian u32 {@code command, arg0, arg1,
 * data_length, data_check, magic} and the payload. The checksum is sent as 0 and never checked.
 */
record AdbPacket(int command, int arg0, int arg1, byte[] data) {
    static final int CNXN = 0x4e584e43;
    static final int AUTH = 0x48545541;
    static final int OPEN = 0x4e45504f;
    static final int OKAY = 0x59414b4f;
    static final int CLSE = 0x45534c43;
    static final int WRTE = 0x45545257;
    static final int VERSION = 0x01000001;
    static final int MAX_PAYLOAD = 0x100000;

    static AdbPacket read(DataInputStream in) throws IOException {
        byte[] head = new byte[24];
        in.readFully(head);
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int command = b.getInt();
        int arg0 = b.getInt();
        int arg1 = b.getInt();
        int length = b.getInt();
        b.getInt();
        int magic = b.getInt();
        if (magic != ~command) {
            throw new IOException("bad magic in packet " + Integer.toHexString(command));
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("payload of " + length + " bytes is above the maximum");
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return new AdbPacket(command, arg0, arg1, data);
    }

    static void write(OutputStream out, int command, int arg0, int arg1, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(command).putInt(arg0).putInt(arg1).putInt(data.length).putInt(0).putInt(~command).put(data);
        out.write(b.array());
        out.flush();
    }
}
