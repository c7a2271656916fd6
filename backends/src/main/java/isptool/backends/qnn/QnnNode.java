package isptool.backends.qnn;

import java.util.List;

/**
 * A node: op {@code type} of package qti.aisw (QNN.md sec. 5), parameters (tensor params first,
 * alphabetically, then scalars, as converters write them), inputs by tensor name, outputs by name.
 * {@code origin} names the TFLite operator it came from, for messages.
 */
public record QnnNode(String name, String type, List<QnnParam> params, List<String> inputs, List<String> outputs,
        String origin) {
    public QnnParam param(String n) {
        for (QnnParam p : params) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        return null;
    }
}
