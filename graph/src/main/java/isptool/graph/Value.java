package isptool.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A named edge of the graph: a graph input, a constant (initializer) or a node output. */
public final class Value {
    String name;
    DType dtype;
    Shape shape;
    Tensor constant;
    Node producer;
    final List<Node> users = new ArrayList<>();

    Value(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Element type, or null if not known yet. */
    public DType dtype() {
        return dtype;
    }

    /** Shape, or null if not even the rank is known. */
    public Shape shape() {
        return shape;
    }

    public void setType(DType dtype, Shape shape) {
        this.dtype = dtype;
        this.shape = shape;
    }

    public boolean isConstant() {
        return constant != null;
    }

    /** The constant data, or null for values computed at run time. */
    public Tensor constant() {
        return constant;
    }

    public Node producer() {
        return producer;
    }

    /** The nodes reading this value; a node reading it twice appears twice. */
    public List<Node> users() {
        return Collections.unmodifiableList(users);
    }

    @Override
    public String toString() {
        return name;
    }
}
