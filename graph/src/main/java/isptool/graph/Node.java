package isptool.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An operation: op type (ONNX names at ONNX level), ordered inputs (null for an omitted optional
 * input), outputs and typed attributes. Inputs are changed through the graph so use lists stay right.
 */
public final class Node {
    String name;
    final String opType;
    final String domain;
    final List<Value> inputs = new ArrayList<>();
    final List<Value> outputs = new ArrayList<>();
    final Map<String, Attr> attrs = new LinkedHashMap<>();
    Graph graph;

    Node(String name, String opType, String domain) {
        this.name = name;
        this.opType = opType;
        this.domain = domain == null ? "" : domain;
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    public String domain() {
        return domain;
    }

    public boolean is(String op) {
        return opType.equals(op) && (domain.isEmpty() || domain.equals("ai.onnx"));
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Input i, or null if absent or omitted. */
    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public Value output(int i) {
        return outputs.get(i);
    }

    public Map<String, Attr> attrs() {
        return Collections.unmodifiableMap(attrs);
    }

    public boolean has(String attr) {
        return attrs.containsKey(attr);
    }

    public Node set(String attr, Attr value) {
        attrs.put(attr, value);
        if (graph != null) {
            graph.changed(this);
        }
        return this;
    }

    public Node set(String attr, long v) {
        return set(attr, Attr.of(v));
    }

    public Node set(String attr, long[] v) {
        return set(attr, Attr.of(v));
    }

    public Node set(String attr, float v) {
        return set(attr, Attr.of(v));
    }

    public Node set(String attr, String v) {
        return set(attr, Attr.of(v));
    }

    public void remove(String attr) {
        if (attrs.remove(attr) != null && graph != null) {
            graph.changed(this);
        }
    }

    public long getInt(String attr, long dflt) {
        Attr a = attrs.get(attr);
        return a == null ? dflt : ((Number) a.value()).longValue();
    }

    public float getFloat(String attr, float dflt) {
        Attr a = attrs.get(attr);
        return a == null ? dflt : ((Number) a.value()).floatValue();
    }

    public String getString(String attr, String dflt) {
        Attr a = attrs.get(attr);
        return a == null ? dflt : (String) a.value();
    }

    /** An INTS attribute, or dflt (may be null) when absent. */
    public long[] getInts(String attr, long[] dflt) {
        Attr a = attrs.get(attr);
        return a == null ? dflt : ((long[]) a.value()).clone();
    }

    public float[] getFloats(String attr, float[] dflt) {
        Attr a = attrs.get(attr);
        return a == null ? dflt : ((float[]) a.value()).clone();
    }

    public Tensor getTensor(String attr) {
        Attr a = attrs.get(attr);
        return a == null ? null : (Tensor) a.value();
    }

    public Graph graph() {
        return graph;
    }

    @Override
    public String toString() {
        return "\"" + name + "\" (" + opType + ")";
    }
}
