package isptool.backends.html;

import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.math.KVector;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.options.SizeConstraint;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places a {@link Diagram} top to bottom with Eclipse ELK's layered (Sugiyama) algorithm: layers,
 * crossing minimisation, node placement and edge routing are ELK's; groups are ELK compound nodes,
 * so a group's outline holds its boxes and nothing else. Box sizes follow their text.
 *
 * <p>Above {@link #LARGE} boxes the edges are routed as polylines and ELK's thoroughness is
 * lowered: orthogonal routing of thousands of edges costs far more time than it is worth there.
 */
final class DiagramLayout {
    static final int LARGE = 1500;
    static final double LINE_HEIGHT = 13;
    static final double CHAR_WIDTH = 6.4;
    static final double GROUP_LABEL = 18;

    /** A placed rectangle, in absolute coordinates of the drawing. */
    record Rect(double x, double y, double w, double h) {
    }

    /** The layout: box and group rectangles by id, each edge's points (x0, y0, x1, y1, ...). */
    record Placed(Map<String, Rect> boxes, Map<String, Rect> groups, List<double[]> edges, double width,
            double height, long millis) {
    }

    static {
        LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
    }

    private DiagramLayout() {
    }

    /** Stack for the layout thread: ELK walks a graph recursively, one frame per node along a path. */
    static final long LAYOUT_STACK_BYTES = 512L << 20;

    /**
     * Runs the layout on a thread of its own with a deep stack: on the calling thread's default stack
     * a chain of 10,000 operators overflowed inside ELK's component search.
     */
    private static void runWithDeepStack(Runnable layout) {
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                layout.run();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "isptool-layout", LAYOUT_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted while laying out the graph drawing", e);
        }
        if (failed[0] instanceof RuntimeException r) {
            throw r;
        }
        if (failed[0] instanceof Error e) {
            throw e;
        }
    }

    static Placed layout(Diagram d) {
        long start = System.nanoTime();
        boolean large = d.boxes().size() > LARGE;
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, large ? EdgeRouting.POLYLINE : EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(12));
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 14.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 24.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 10.0);
        // a tensor read by many ops leaves its producer as one line that branches (a bus), not many
        root.setProperty(LayeredOptions.MERGE_EDGES, true);
        if (large) {
            root.setProperty(LayeredOptions.THOROUGHNESS, 1);
        }
        if (!d.groups().isEmpty()) {
            // edges between boxes in different groups are laid out with the whole drawing
            root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
        }
        Map<String, ElkNode> groupNodes = new LinkedHashMap<>();
        for (Diagram.Group g : d.groups()) {
            ElkNode n = ElkGraphUtil.createNode(root);
            n.setProperty(CoreOptions.PADDING, new ElkPadding(GROUP_LABEL + 4, 8, 8, 8));
            // at least as wide as its label
            n.setProperty(CoreOptions.NODE_SIZE_CONSTRAINTS, SizeConstraint.minimumSize());
            n.setProperty(CoreOptions.NODE_SIZE_MINIMUM, new KVector(g.label().length() * CHAR_WIDTH + 16, GROUP_LABEL + 12));
            groupNodes.put(g.id(), n);
        }
        Map<String, ElkNode> nodes = new HashMap<>();
        for (Diagram.Box b : d.boxes()) {
            ElkNode n = ElkGraphUtil.createNode(b.group == null ? root : groupNodes.get(b.group));
            double[] size = size(b);
            n.setDimensions(size[0], size[1]);
            nodes.put(b.id, n);
        }
        List<ElkEdge> edges = new ArrayList<>();
        for (Diagram.Edge e : d.edges()) {
            ElkEdge edge = ElkGraphUtil.createSimpleEdge(nodes.get(e.from()), nodes.get(e.to()));
            ElkGraphUtil.updateContainment(edge);
            edges.add(edge);
        }

        runWithDeepStack(() -> new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor()));

        Map<String, Rect> boxes = new HashMap<>();
        nodes.forEach((id, n) -> boxes.put(id, absolute(n)));
        Map<String, Rect> groups = new HashMap<>();
        groupNodes.forEach((id, n) -> groups.put(id, absolute(n)));
        List<double[]> routes = new ArrayList<>();
        for (ElkEdge e : edges) {
            routes.add(route(e));
        }
        return new Placed(boxes, groups, routes, root.getWidth(), root.getHeight(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Width and height of a box: its longest line, its line count. */
    static double[] size(Diagram.Box b) {
        int chars = 0;
        for (String line : b.lines) {
            chars = Math.max(chars, line.length());
        }
        return new double[] {Math.max(b.io ? 50 : 70, chars * CHAR_WIDTH + 14), b.lines.size() * LINE_HEIGHT + 9};
    }

    private static Rect absolute(ElkNode n) {
        double[] o = offset(n.getParent());
        return new Rect(o[0] + n.getX(), o[1] + n.getY(), n.getWidth(), n.getHeight());
    }

    /** Where a node's inner coordinate system starts in the root's. */
    private static double[] offset(ElkNode n) {
        double x = 0;
        double y = 0;
        for (ElkNode p = n; p != null && p.getParent() != null; p = p.getParent()) {
            x += p.getX();
            y += p.getY();
        }
        return new double[] {x, y};
    }

    /** An edge's points in root coordinates (ELK gives them relative to the edge's containing node). */
    private static double[] route(ElkEdge e) {
        double[] o = offset(e.getContainingNode());
        List<Double> pts = new ArrayList<>();
        for (ElkEdgeSection s : e.getSections()) {
            pts.add(s.getStartX());
            pts.add(s.getStartY());
            for (ElkBendPoint p : s.getBendPoints()) {
                pts.add(p.getX());
                pts.add(p.getY());
            }
            pts.add(s.getEndX());
            pts.add(s.getEndY());
        }
        double[] xy = new double[pts.size()];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = pts.get(i) + o[i % 2];
        }
        return xy;
    }
}
