package isptool.graph.io;

import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0 (numpy.lib.format): a magic string, a
 * version, a little-endian header length, a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }} padded so the data starts on a
 * 64-byte boundary, then the elements in C order. Large arrays are memory-mapped, not copied.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** Arrays at least this large are memory-mapped; smaller ones are read onto the heap. */
    private static final long MAP_THRESHOLD = 1 << 20;
    /** Far above any real header (numpy's are a few hundred bytes); larger means corruption. */
    private static final long MAX_HEADER = 1 << 24;

    private Npy() {
    }

    /** True if the bytes start with the .npy magic string. */
    public static boolean hasMagic(byte[] prefix) {
        return prefix.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(prefix, MAGIC.length), MAGIC);
    }

    public static Tensor read(Path file) {
        String label = file.toString();
        RegularFiles.require(file, label, "a .npy file written by np.save");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = readFully(ch, 0, (int) Math.min(size, 12), label);
            if (!hasMagic(bytes(prefix.duplicate(), prefix.remaining()))) {
                throw new ModelException(label + ": not a NumPy .npy file (no \\x93NUMPY magic at the start);"
                        + " save it with np.save");
            }
            if (prefix.remaining() < 10) {
                throw new ModelException(label + ": the file is truncated inside the .npy header");
            }
            int major = prefix.get(6) & 0xff;
            int minor = prefix.get(7) & 0xff;
            int lengthBytes = switch (major) {
                case 1 -> 2;
                case 2, 3 -> 4;
                default -> throw new ModelException(label + ": .npy format version " + major + "." + minor
                        + " is not supported (1.0, 2.0 and 3.0 are); re-save it with np.save");
            };
            if (prefix.remaining() < 8 + lengthBytes) {
                throw new ModelException(label + ": the file is truncated inside the .npy header");
            }
            long headerLength = lengthBytes == 2 ? prefix.getShort(8) & 0xffff : prefix.getInt(8) & 0xffffffffL;
            if (headerLength > MAX_HEADER) {
                throw new ModelException(label + ": the .npy header claims " + headerLength + " bytes; the file is"
                        + " corrupt");
            }
            long dataStart = 8 + lengthBytes + headerLength;
            if (dataStart > size) {
                throw new ModelException(label + ": the file is truncated inside the .npy header (header says "
                        + headerLength + " bytes, the file has " + (size - 8 - lengthBytes) + ")");
            }
            ByteBuffer headerBytes = readFully(ch, 8 + lengthBytes, (int) headerLength, label);
            String header = new String(bytes(headerBytes, (int) headerLength),
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = Header.parse(header, label);
            long need = h.byteCount(label);
            // np.save writes exactly the header and the data: a size that differs is a damaged file (or
            // not an .npy at all), and is found before a single data byte is read
            if (size - dataStart < need) {
                throw new ModelException(label + ": the file is truncated: the header says " + h.describe()
                        + " (" + need + " bytes of data) but only " + (size - dataStart) + " bytes follow");
            }
            if (size - dataStart > need) {
                throw new ModelException(label + ": the header says " + h.describe() + " (" + need + " bytes of data)"
                        + " but " + (size - dataStart) + " bytes follow; the file is damaged, save it again with np.save");
            }
            ByteBuffer data;
            if (h.order != ByteOrder.LITTLE_ENDIAN && h.dtype.byteSize > 1) {
                data = swapToLittleEndian(readFully(ch, dataStart, (int) need, label), h.dtype.byteSize);
            } else if (need >= MAP_THRESHOLD) {
                data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, need);
            } else {
                data = readFully(ch, dataStart, (int) need, label);
            }
            return Tensor.wrap(h.dtype, h.shape, data);
        } catch (NoSuchFileException e) {
            throw new ModelException(label + ": no such file; check the path");
        } catch (IOException e) {
            throw new ModelException(label + ": cannot read: " + e.getMessage());
        }
    }

    /** Writes t as a version 1.0 .npy file (2.0 if the header does not fit), atomically. */
    public static void write(Path file, Tensor t) throws IOException {
        byte[] head = header(t, file);
        AtomicFiles.write(file, out -> {
            out.write(head);
            copy(t.rawData(), out);
        });
    }

    /** Magic, version, header length and padded header: everything before the data. */
    static byte[] header(Tensor t, Path file) {
        StringBuilder shape = new StringBuilder("(");
        for (long d : t.shape()) {
            shape.append(d).append(", ");
        }
        if (t.rank() > 0) {
            shape.setLength(shape.length() - 2);
        }
        if (t.rank() == 1) {
            shape.append(',');
        }
        shape.append(')');
        String dict = "{'descr': '" + descr(t.dtype(), file) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int major = roundUp(10 + dict.length() + 1, ALIGNMENT) - 10 <= 0xffff ? 1 : 2;
        int prefix = major == 1 ? 10 : 12;
        int padded = roundUp(prefix + dict.length() + 1, ALIGNMENT);
        StringBuilder h = new StringBuilder(dict);
        while (prefix + h.length() + 1 < padded) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) h.length());
        } else {
            b.putInt(h.length());
        }
        b.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static String descr(DType t, Path file) {
        return switch (t) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case FLOAT16 -> "<f2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT64 -> "<i8";
            case UINT64 -> "<u8";
            case BOOL -> "|b1";
            default -> throw new ModelException(file + ": NumPy has no " + t + " type; cast the tensor to float32"
                    + " before saving it as .npy");
        };
    }

    /** The element type for a NumPy type string without its byte-order character ("f4", "b1"). */
    private static DType dtypeOf(String kindAndSize) {
        return switch (kindAndSize) {
            case "f4" -> DType.FLOAT;
            case "f8" -> DType.DOUBLE;
            case "f2" -> DType.FLOAT16;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "i2" -> DType.INT16;
            case "u2" -> DType.UINT16;
            case "i4" -> DType.INT32;
            case "u4" -> DType.UINT32;
            case "i8" -> DType.INT64;
            case "u8" -> DType.UINT64;
            case "b1" -> DType.BOOL;
            default -> null;
        };
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length, String label) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new ModelException(label + ": the file ended early; it is truncated");
            }
        }
        return b.flip();
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] r = new byte[n];
        b.get(r);
        return r;
    }

    private static ByteBuffer swapToLittleEndian(ByteBuffer data, int width) {
        byte[] a = data.array();
        for (int i = 0; i + width <= a.length; i += width) {
            for (int lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
                byte tmp = a[lo];
                a[lo] = a[hi];
                a[hi] = tmp;
            }
        }
        return data;
    }

    private static void copy(ByteBuffer data, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(data.remaining(), 1 << 16)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /** Header text for a message: control characters (a damaged file's) shown as '?', so it stays one line. */
    private static String printable(String headerText) {
        return headerText.replaceAll("\\p{Cntrl}", "?");
    }

    /** The parsed header dict. */
    private record Header(DType dtype, ByteOrder order, long[] shape, String descr) {
        String describe() {
            return descr + " " + Arrays.toString(shape);
        }

        long byteCount(String label) {
            long n = dtype.byteSize;
            try {
                for (long d : shape) {
                    n = Math.multiplyExact(n, d);
                }
            } catch (ArithmeticException e) {
                n = Long.MAX_VALUE;
            }
            if (n > Integer.MAX_VALUE) {
                throw new ModelException(label + ": the array " + describe() + " is larger than 2 GiB, which"
                        + " isptool cannot hold in one tensor; save a smaller array");
            }
            return n;
        }

        static Header parse(String text, String label) {
            HeaderParser p = new HeaderParser(text, label);
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            p.expect('{');
            while (!p.peek('}')) {
                String key = p.string();
                p.expect(':');
                switch (key) {
                    case "descr" -> {
                        if (p.peek('[')) {
                            throw new ModelException(label + ": the array has a structured dtype (a record"
                                    + " type); isptool reads plain numeric arrays only");
                        }
                        descr = p.string();
                    }
                    case "fortran_order" -> fortran = p.bool();
                    case "shape" -> shape = p.tuple();
                    default -> throw p.corrupt("unexpected key '" + key + "'");
                }
                if (!p.peek('}')) {
                    p.expect(',');
                }
            }
            p.expect('}');
            if (descr == null || fortran == null || shape == null) {
                throw new ModelException(label + ": the .npy header lacks 'descr', 'fortran_order' or 'shape'; the"
                        + " file is corrupt");
            }
            if (fortran && shape.length > 1) {
                throw new ModelException(label + ": the array is Fortran-ordered; save it with"
                        + " np.save(path, np.ascontiguousarray(a))");
            }
            char first = descr.isEmpty() ? ' ' : descr.charAt(0);
            boolean hasOrder = first == '<' || first == '>' || first == '=' || first == '|';
            ByteOrder order = switch (first) {
                case '>' -> ByteOrder.BIG_ENDIAN;
                case '=' -> ByteOrder.nativeOrder();
                default -> ByteOrder.LITTLE_ENDIAN;
            };
            DType dtype = dtypeOf(hasOrder ? descr.substring(1) : descr);
            if (dtype == null) {
                throw new ModelException(label + ": element type '" + printable(descr) + "' is not supported; save the array"
                        + " as float32, float16, float64, int8/16/32/64, uint8/16/32/64 or bool");
            }
            return new Header(dtype, order, shape, descr);
        }
    }

    /** A reader for the Python literal subset that numpy writes in .npy headers. */
    private static final class HeaderParser {
        private final String s;
        private final String label;
        private int i;

        HeaderParser(String s, String label) {
            this.s = s;
            this.label = label;
        }

        ModelException corrupt(String what) {
            return new ModelException(label + ": the .npy header is corrupt (" + printable(what) + " at offset " + i
                    + " of \"" + printable(s.strip()) + "\")");
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        boolean peek(char c) {
            skipSpace();
            return i < s.length() && s.charAt(i) == c;
        }

        void expect(char c) {
            if (!peek(c)) {
                throw corrupt("expected '" + c + "'");
            }
            i++;
        }

        String string() {
            skipSpace();
            if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
                throw corrupt("expected a string");
            }
            char quote = s.charAt(i++);
            int end = s.indexOf(quote, i);
            if (end < 0) {
                throw corrupt("unterminated string");
            }
            String r = s.substring(i, end);
            i = end + 1;
            return r;
        }

        boolean bool() {
            skipSpace();
            if (s.startsWith("True", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return false;
            }
            throw corrupt("expected True or False");
        }

        long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!peek(')')) {
                dims.add(integer());
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() {
            skipSpace();
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw corrupt("expected a dimension");
            }
            long v;
            try {
                v = Long.parseLong(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw corrupt("dimension too large");
            }
            if (i < s.length() && s.charAt(i) == 'L') {
                i++; // Python 2 long suffix, written by old numpy
            }
            return v;
        }
    }
}
