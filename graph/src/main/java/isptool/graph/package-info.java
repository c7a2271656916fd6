/** The isptool IR: graphs of ONNX-level nodes, their values and constant tensors. */
package isptool.graph;
