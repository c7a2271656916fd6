package isptool.backends.html;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a graph drawing shows, before layout: op boxes (three short lines of text, a kind, extra CSS
 * classes, the fields of their hover panel), edges between boxes, and groups of boxes outlined
 * together (a delegate partition, the nodes a fold replaced). Graph inputs and outputs are boxes
 * too, of kind "io", and are not counted as ops. A box is in at most one group.
 */
public final class Diagram {
    /** One box; {@code lines} are its text lines (op, short name, shape), top to bottom. */
    public static final class Box {
        public final String id;
        public final boolean io;
        final List<String> lines;
        final Set<String> classes = new LinkedHashSet<>();
        final Map<String, Object> info = new LinkedHashMap<>();
        String fill;
        String group;

        Box(String id, boolean io, List<String> lines, String kindClass) {
            this.id = id;
            this.io = io;
            this.lines = lines;
            this.fill = kindClass;
            classes.add(io ? "io" : "op");
        }

        /** Colours the box with this CSS class instead of its kind's (run-delegate, run-cpu). */
        public Box fill(String cssClass) {
            fill = cssClass;
            return this;
        }

        /** Adds a CSS class to the box's outline (refused, transpose, float-island...). */
        public Box mark(String cssClass) {
            classes.add(cssClass);
            return this;
        }

        public boolean has(String cssClass) {
            return classes.contains(cssClass);
        }

        /** Adds or replaces a field of the hover/click panel. */
        public Box note(String field, Object value) {
            info.put(field, value);
            return this;
        }
    }

    public record Edge(String from, String to) {
    }

    /**
     * Boxes outlined together, with a label on the outline and a longer tooltip (detail); cssClass
     * styles the outline.
     */
    public record Group(String id, String label, String detail, String cssClass, List<String> members) {
    }

    private final Map<String, Box> boxes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** An op box. */
    public Box op(String id, String op, String name, String shape, OpKind kind) {
        return add(new Box(id, false, lines(op, name, shape), kind.cssClass));
    }

    /** A graph input or output box. */
    public Box io(String id, String name, String shape) {
        return add(new Box(id, true, lines(name, shape), "k-io"));
    }

    private static List<String> lines(String... text) {
        List<String> l = new ArrayList<>();
        for (String t : text) {
            if (t != null && !t.isEmpty()) {
                l.add(t);
            }
        }
        return l;
    }

    private Box add(Box b) {
        if (boxes.putIfAbsent(b.id, b) != null) {
            throw new IllegalArgumentException("box \"" + b.id + "\" added twice");
        }
        return b;
    }

    public void edge(String from, String to) {
        box(from);
        box(to);
        edges.add(new Edge(from, to));
    }

    /** Outlines the boxes together; a box already in a group cannot join another. */
    public Group group(String label, String cssClass, List<String> members) {
        return group(label, label, cssClass, members);
    }

    /** As {@link #group(String, String, List)}, with a tooltip longer than the label. */
    public Group group(String label, String detail, String cssClass, List<String> members) {
        String id = "g" + groups.size();
        for (String m : members) {
            Box b = box(m);
            if (b.group != null) {
                throw new IllegalArgumentException("box \"" + m + "\" is in group " + b.group + " already");
            }
            b.group = id;
        }
        Group g = new Group(id, label, detail, cssClass, List.copyOf(members));
        groups.put(id, g);
        return g;
    }

    public Box box(String id) {
        Box b = boxes.get(id);
        if (b == null) {
            throw new IllegalArgumentException("no box \"" + id + "\" in the drawing");
        }
        return b;
    }

    public boolean contains(String id) {
        return boxes.containsKey(id);
    }

    public List<Box> boxes() {
        return List.copyOf(boxes.values());
    }

    public List<Edge> edges() {
        return List.copyOf(edges);
    }

    public List<Group> groups() {
        return List.copyOf(groups.values());
    }

    /**
     * Lays the diagram out and draws it as SVG; each box's panel fields are registered on the page
     * under keyPrefix + box id (a prefix per drawing keeps two drawings on one page apart).
     */
    public Drawing draw(HtmlPage page, String keyPrefix) {
        if (boxes.size() > MAX_BOXES) {
            String why = String.format(Locale.ROOT, "not drawn: %,d boxes, more than the %,d a drawing takes"
                    + " (a 10,000-operator chain takes 8 s and 1.3 GB to lay out)", boxes.size(), MAX_BOXES);
            Svg svg = new Svg(why.length() * 7.0 + 24, 32, "graph");
            svg.text(12, 20, why, "note");
            return new Drawing(svg.toString(), 0, why.length() * 7.0 + 24, 32);
        }
        return DiagramSvg.draw(this, page, keyPrefix);
    }

    /** Diagrams with more boxes than this are not laid out: the page says so in their place. */
    public static final int MAX_BOXES = 10_000;

    /** A drawn diagram: the SVG markup and how long ELK took to lay it out. */
    public record Drawing(String svg, long layoutMillis, double width, double height) {
    }

    /** The number of op boxes (inputs and outputs not counted). */
    public long opCount() {
        return boxes.values().stream().filter(b -> !b.io).count();
    }
}
