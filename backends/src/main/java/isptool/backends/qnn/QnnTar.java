package isptool.backends.qnn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NAME.bin: a POSIX ustar archive of {@code <name>.raw} members (QNN.md sec. 2) with fixed
 * metadata (uid/gid 0, mode 0644, mtime 0, empty user/group names) so that the same graph gives
 * the same bytes. Also reads such an archive back (the quantization simulator takes its weights
 * from the file as written).
 */
public final class QnnTar {
    private static final int BLOCK = 512;

    private QnnTar() {
    }

    public static byte[] write(Map<String, byte[]> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            byte[] name = m.getKey().getBytes(StandardCharsets.US_ASCII);
            if (name.length > 100) {
                throw new IllegalArgumentException("tar member name longer than 100 bytes: " + m.getKey());
            }
            byte[] h = new byte[BLOCK];
            System.arraycopy(name, 0, h, 0, name.length);
            octal(h, 100, 8, 0644);
            octal(h, 108, 8, 0);
            octal(h, 116, 8, 0);
            octal(h, 124, 12, m.getValue().length);
            octal(h, 136, 12, 0);
            h[156] = '0';
            put(h, 257, "ustar\0");
            put(h, 263, "00");
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte x : h) {
                sum += x & 0xff;
            }
            octal(h, 148, 7, sum);
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(m.getValue());
            out.writeBytes(new byte[(BLOCK - m.getValue().length % BLOCK) % BLOCK]);
        }
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    /** The members of an archive written as above (regular files only), by name. */
    public static Map<String, byte[]> read(byte[] tar) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        int p = 0;
        while (p + BLOCK <= tar.length && tar[p] != 0) {
            int end = p;
            while (end < p + 100 && tar[end] != 0) {
                end++;
            }
            String name = new String(tar, p, end - p, StandardCharsets.US_ASCII);
            String size = new String(tar, p + 124, 11, StandardCharsets.US_ASCII).trim();
            int n = Integer.parseInt(size.isEmpty() ? "0" : size, 8);
            if (p + BLOCK + n > tar.length) {
                throw new IllegalArgumentException("tar member " + name + " runs past the end of the archive");
            }
            byte[] data = new byte[n];
            System.arraycopy(tar, p + BLOCK, data, 0, n);
            r.put(name, data);
            p += BLOCK + (n + BLOCK - 1) / BLOCK * BLOCK;
        }
        return r;
    }

    /** A NUL-terminated, zero-padded octal field of width bytes. */
    private static void octal(byte[] h, int at, int width, long v) {
        String s = Long.toOctalString(v);
        s = "0".repeat(width - 1 - s.length()) + s;
        put(h, at, s);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
