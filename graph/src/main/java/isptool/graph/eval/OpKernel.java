package isptool.graph.eval;

import isptool.graph.Node;
import isptool.graph.Tensor;

/**
 * Evaluates one node on constant inputs. Inputs are in the node's input order, null for an
 * omitted optional input; the result has one tensor per node output. A kernel returns null when
 * it cannot evaluate this particular form (an unsupported mode or type): the node is then left
 * in the graph. Invalid data (an index out of range) is an IllegalArgumentException whose
 * message the caller reports against the node.
 */
@FunctionalInterface
public interface OpKernel {
    Tensor[] evaluate(Node node, Tensor[] inputs);
}
