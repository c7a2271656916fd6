package isptool.backends.qnn;

/**
 * QNN tensor data types with their {@code Qnn_DataType_t} codes (QNN.md sec. 1): the high byte is
 * the kind (signed int, unsigned int, float, signed fixed point, unsigned fixed point, bool), the
 * low byte the bit width in hex-coded decimal.
 */
public enum QnnDataType {
    INT_8(0x0008, 1),
    INT_16(0x0016, 2),
    INT_32(0x0032, 4),
    UINT_8(0x0108, 1),
    UINT_32(0x0132, 4),
    FLOAT_16(0x0216, 2),
    FLOAT_32(0x0232, 4),
    SFIXED_POINT_8(0x0308, 1),
    SFIXED_POINT_16(0x0316, 2),
    SFIXED_POINT_32(0x0332, 4),
    UFIXED_POINT_8(0x0408, 1),
    UFIXED_POINT_16(0x0416, 2),
    BOOL_8(0x0508, 1);

    public final int code;
    public final int bytes;

    QnnDataType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The C enumerator, {@code QNN_DATATYPE_SFIXED_POINT_8}. */
    public String cName() {
        return "QNN_DATATYPE_" + name();
    }

    public boolean isFloat() {
        return this == FLOAT_16 || this == FLOAT_32;
    }

    public boolean isFixedPoint() {
        return name().contains("FIXED_POINT");
    }

    public boolean isSigned() {
        return this == INT_8 || this == INT_16 || this == INT_32 || name().startsWith("SFIXED");
    }

    public int bits() {
        return bytes * 8;
    }

    /** Smallest and largest stored integer. */
    public long qmin() {
        return isSigned() ? -(1L << (bits() - 1)) : 0;
    }

    public long qmax() {
        return isSigned() ? (1L << (bits() - 1)) - 1 : (1L << bits()) - 1;
    }
}
