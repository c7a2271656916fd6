package isptool.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The IR: nodes in topological order, named values (edges) with dtype and shape, constants held on
 * their values. Every question a pass asks about a value (constant? producer? consumers? graph
 * output?) is one call here, and every mutation goes through here so use lists stay consistent.
 */
public final class Graph {
    private String name = "graph";
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private long irVersion = 8;
    private String source = "model";
    private int nameCounter;
    private Provenance provenance;

    /**
     * Starts recording which of the current nodes each node will stand for after rewrites; the
     * current nodes are the originals. Returns the (one) record; calling again returns it.
     */
    public Provenance trackProvenance() {
        if (provenance == null) {
            provenance = new Provenance(this);
        }
        return provenance;
    }

    /** The record of {@link #trackProvenance}, or null when nothing is tracked. */
    public Provenance provenance() {
        return provenance;
    }

    /** Tells the provenance record that n was rewritten in place. */
    void changed(Node n) {
        if (provenance != null) {
            provenance.changed(n);
        }
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Where the graph came from (file name), for messages. */
    public String source() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public long irVersion() {
        return irVersion;
    }

    public void setIrVersion(long v) {
        irVersion = v;
    }

    /** Opset versions by domain ("" is the default ONNX domain). */
    public Map<String, Long> opsets() {
        return opsets;
    }

    public long opset() {
        return opsets.getOrDefault("", opsets.getOrDefault("ai.onnx", 0L));
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    // ---- queries ----

    /** A snapshot of the nodes in their current order; safe to iterate while rewriting. */
    public List<Node> nodes() {
        return new ArrayList<>(nodes);
    }

    /**
     * The nodes in their current order, for a rewrite loop: a snapshot (safe while rewriting) that
     * lets go of each node once the loop has passed it, so the weights a rewrite replaced can be
     * collected before the loop ends.
     */
    public Iterable<Node> visit() {
        Node[] snapshot = nodes.toArray(new Node[0]);
        return () -> new java.util.Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < snapshot.length;
            }

            @Override
            public Node next() {
                if (i >= snapshot.length) {
                    throw new java.util.NoSuchElementException();
                }
                Node n = snapshot[i];
                snapshot[i++] = null;
                return n;
            }
        };
    }

    public int nodeCount() {
        return nodes.size();
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Value value(String valueName) {
        return values.get(valueName);
    }

    public boolean contains(Node n) {
        return n.graph == this;
    }

    /** The constant data of v, or null if v is computed at run time (or absent). */
    public static Tensor constant(Value v) {
        return v == null ? null : v.constant;
    }

    public static Node producer(Value v) {
        return v == null ? null : v.producer;
    }

    /** Distinct nodes reading v, in graph order of first use. */
    public List<Node> consumers(Value v) {
        return new ArrayList<>(new LinkedHashSet<>(v.users));
    }

    public boolean isGraphOutput(Value v) {
        return outputs.contains(v);
    }

    public boolean isGraphInput(Value v) {
        return inputs.contains(v);
    }

    /**
     * True if v is read exactly once, by one node, and is not a graph output: the condition for
     * rewriting its producer in place.
     */
    public boolean hasSingleUse(Value v) {
        return v.users.size() == 1 && !isGraphOutput(v);
    }

    /** The one node reading v, if v has a single use; else null. */
    public Node soleConsumer(Value v) {
        return hasSingleUse(v) ? v.users.get(0) : null;
    }

    public Map<String, Integer> opHistogram() {
        Map<String, Integer> h = new TreeMap<>();
        for (Node n : nodes) {
            h.merge(n.opType, 1, Integer::sum);
        }
        return h;
    }

    public int count(String opType) {
        int c = 0;
        for (Node n : nodes) {
            if (n.opType.equals(opType)) {
                c++;
            }
        }
        return c;
    }

    public List<Value> constants() {
        List<Value> r = new ArrayList<>();
        for (Value v : values.values()) {
            if (v.constant != null) {
                r.add(v);
            }
        }
        r.sort((a, b) -> a.name.compareTo(b.name));
        return r;
    }

    // ---- construction ----

    /** A name not used by any value or node, derived from hint. */
    public String freshName(String hint) {
        String base = hint == null || hint.isEmpty() ? "v" : hint;
        if (!values.containsKey(base) && !nodeNames.contains(base)) {
            return base;
        }
        String n;
        do {
            n = base + "_" + (++nameCounter);
        } while (values.containsKey(n) || nodeNames.contains(n));
        return n;
    }

    /** The value with this exact name, created empty if new (used by importers). */
    public Value valueNamed(String valueName) {
        return values.computeIfAbsent(valueName, Value::new);
    }

    /** A new value with a fresh name derived from hint. */
    public Value newValue(String hint) {
        Value v = new Value(freshName(hint));
        values.put(v.name, v);
        return v;
    }

    /** A new value with a fresh name and the given type. */
    public Value newValue(String hint, DType dtype, Shape shape) {
        Value v = newValue(hint);
        v.setType(dtype, shape);
        return v;
    }

    /** A new constant value holding t. */
    public Value addConstant(String hint, Tensor t) {
        Value v = newValue(hint);
        setConstant(v, t);
        return v;
    }

    /** Makes v a constant holding t (v must not be produced by a node). */
    public void setConstant(Value v, Tensor t) {
        if (v.producer != null) {
            throw new IllegalStateException("value " + v.name + " is produced by " + v.producer);
        }
        v.constant = t;
        v.dtype = t.dtype();
        v.shape = Shape.of(t.shape());
        v.users.forEach(this::changed);
    }

    public void addInput(Value v) {
        inputs.add(v);
    }

    public void removeInput(Value v) {
        inputs.remove(v);
    }

    public void addOutput(Value v) {
        outputs.add(v);
    }

    /**
     * Appends a node; its outputs must not already have producers. Nodes may be appended out of
     * order while rewriting; {@link #topoSort()} restores the order.
     */
    public Node addNode(String opType, String nameHint, List<Value> ins, List<Value> outs) {
        return addNode(opType, "", nameHint, ins, outs);
    }

    public Node addNode(String opType, String domain, String nameHint, List<Value> ins, List<Value> outs) {
        Node n = new Node(freshNodeName(nameHint == null || nameHint.isEmpty() ? opType : nameHint), opType, domain);
        n.graph = this;
        for (Value v : ins) {
            n.inputs.add(v);
            if (v != null) {
                register(v);
                v.users.add(n);
            }
        }
        for (Value v : outs) {
            if (v.producer != null) {
                throw new IllegalStateException("value " + v.name + " already produced by " + v.producer);
            }
            v.producer = n;
            n.outputs.add(v);
        }
        nodes.add(n);
        if (provenance != null) {
            provenance.added(n);
        }
        return n;
    }

    private String freshNodeName(String hint) {
        String n = hint;
        while (nodeNames.contains(n)) {
            n = hint + "_" + (++nameCounter);
        }
        nodeNames.add(n);
        return n;
    }

    public void setInput(Node n, int i, Value v) {
        while (n.inputs.size() <= i) {
            n.inputs.add(null);
        }
        Value old = n.inputs.get(i);
        n.inputs.set(i, v);
        if (v != null && v.constant != null) {
            changed(n); // new weights: a rewrite of n (rewiring n to a computed value is not)
        }
        if (v != null) {
            register(v);
            v.users.add(n);
        }
        if (old != null) {
            old.users.remove(n);
            dropIfUnusedConstant(old);
        }
    }

    /**
     * Forgets a constant nobody reads any more, so a rewrite's replaced weights can be collected
     * while the pass goes on (large models would otherwise hold old and new weights at once).
     */
    private void dropIfUnusedConstant(Value v) {
        if (v.constant != null && v.users.isEmpty() && values.get(v.name) == v && !inputs.contains(v)
                && !outputs.contains(v)) {
            values.remove(v.name);
        }
    }

    /** Puts a value that was dropped as an unused constant back when a node reads it again. */
    private void register(Value v) {
        Value known = values.get(v.name);
        if (known == v) {
            return;
        }
        if (known != null) {
            v.name = freshName(v.name);
        }
        values.put(v.name, v);
    }

    /** Drops trailing inputs from index i on. */
    public void truncateInputs(Node n, int size) {
        while (n.inputs.size() > size) {
            changed(n);
            Value old = n.inputs.remove(n.inputs.size() - 1);
            if (old != null) {
                old.users.remove(n);
                dropIfUnusedConstant(old);
            }
        }
    }

    /** Removes a node, detaching it from its inputs; its outputs lose their producer. */
    public void removeNode(Node n) {
        if (n.graph != this) {
            return;
        }
        for (Value v : n.inputs) {
            if (v != null) {
                v.users.remove(n);
                dropIfUnusedConstant(v);
            }
        }
        for (Value v : n.outputs) {
            if (v.producer == n) {
                v.producer = null;
            }
        }
        nodes.remove(n);
        nodeNames.remove(n.name);
        n.graph = null;
        if (provenance != null) {
            provenance.removed(n);
        }
    }

    /**
     * Makes every reader of old read replacement instead. If old is a graph output, the graph
     * output keeps its name: replacement takes over the name when it is an internal value,
     * otherwise an Identity carries it.
     */
    public void replaceAllUses(Value old, Value replacement) {
        if (old == replacement) {
            return;
        }
        for (Node n : new ArrayList<>(old.users)) {
            for (int i = 0; i < n.inputs.size(); i++) {
                if (n.inputs.get(i) == old) {
                    setInput(n, i, replacement);
                }
            }
        }
        int outIndex = outputs.indexOf(old);
        if (outIndex < 0) {
            return;
        }
        String keep = old.name;
        rename(old, freshName(keep + "_replaced"));
        boolean internal = replacement.producer != null && !inputs.contains(replacement)
                && !outputs.contains(replacement);
        if (internal) {
            rename(replacement, keep);
            outputs.set(outIndex, replacement);
        } else {
            Value out = valueNamed(keep);
            out.setType(replacement.dtype, replacement.shape);
            addNode("Identity", keep + "_identity", List.of(replacement), List.of(out));
            outputs.set(outIndex, out);
        }
    }

    /** Renames a value (the new name must be free). */
    public void rename(Value v, String newName) {
        if (values.containsKey(newName)) {
            throw new IllegalStateException("value name " + newName + " is taken");
        }
        values.remove(v.name);
        v.name = newName;
        values.put(newName, v);
    }

    /** Removes nodes whose outputs nobody reads and values nobody uses. */
    public void removeUnused() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                boolean used = false;
                for (Value o : n.outputs) {
                    if (!o.users.isEmpty() || outputs.contains(o)) {
                        used = true;
                        break;
                    }
                }
                if (!used) {
                    removeNode(n);
                    changed = true;
                }
            }
        }
        values.values().removeIf(v -> v.producer == null && v.users.isEmpty() && !inputs.contains(v)
                && !outputs.contains(v));
    }

    /** Restores topological order (stable: keeps the current order where it is already valid). */
    public void topoSort() {
        Map<Node, Integer> pending = new IdentityHashMap<>();
        Map<Node, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
        java.util.PriorityQueue<Node> ready = new java.util.PriorityQueue<>((a, b) -> position.get(a) - position.get(b));
        for (Node n : nodes) {
            int deps = 0;
            for (Value v : n.inputs) {
                if (v != null && v.producer != null && v.producer.graph == this) {
                    deps++;
                }
            }
            pending.put(n, deps);
            if (deps == 0) {
                ready.add(n);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Value o : n.outputs) {
                for (Node u : o.users) {
                    int left = pending.merge(u, -1, Integer::sum);
                    if (left == 0) {
                        ready.add(u);
                    }
                }
            }
        }
        if (order.size() != nodes.size()) {
            Deque<Node> stuck = new ArrayDeque<>();
            for (Node n : nodes) {
                if (pending.get(n) > 0) {
                    stuck.add(n);
                }
            }
            throw new ModelException("graph of " + source + " has a cycle through " + ModelException.where(stuck.peek()));
        }
        nodes.clear();
        nodes.addAll(order);
    }
}
