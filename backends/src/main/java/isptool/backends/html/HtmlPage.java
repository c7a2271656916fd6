package isptool.backends.html;

import isptool.graph.io.AtomicFiles;
import isptool.graph.io.JsonText;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML report page: a title, sections of text, tables, inline SVG and PNG images
 * (data URIs), one small stylesheet and one small script of the project's own, inlined. The page
 * loads nothing: its Content-Security-Policy forbids every URL but data: images, so it opens
 * offline and as a CI artifact.
 *
 * <p>Hover and click: an element with {@code data-info="KEY"} (in SVG or HTML) shows the fields
 * registered with {@link #info(String, Map)} under KEY in a panel; hover shows, click pins.
 *
 * <pre>
 * HtmlPage page = new HtmlPage("syenet_isp.onnx: check");
 * page.section("Summary").facts(Map.of("ops", 42)).text("...");
 * page.section("Graph").svg(drawing.svg());
 * page.write(Path.of("check.html"));
 * </pre>
 */
public final class HtmlPage {
    private final String title;
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, Object> info = new LinkedHashMap<>();
    private String subtitle = "";

    public HtmlPage(String title) {
        this.title = title;
    }

    /** A line under the title (the model, the command, the date...). */
    public HtmlPage subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    /** A new top-level section, in the order added. */
    public Section section(String sectionTitle) {
        Section s = new Section(sectionTitle, 2, "s" + (sections.size() + 1));
        sections.add(s);
        return s;
    }

    /**
     * Registers what the hover/click panel shows for elements with {@code data-info="key"}: field
     * name → value (strings, numbers, lists of them), in the map's order. Keys are unique per page.
     */
    public HtmlPage info(String key, Map<String, ?> fields) {
        if (info.putIfAbsent(key, new LinkedHashMap<>(fields)) != null) {
            throw new IllegalArgumentException("info key \"" + key + "\" given twice on one page");
        }
        return this;
    }

    /** The whole page as text. */
    public String html() {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(resource("page.css")).append("</style>\n</head>\n<body>\n")
                .append("<header><h1>").append(escape(title)).append("</h1>");
        if (!subtitle.isEmpty()) {
            b.append("<p class=\"subtitle\">").append(escape(subtitle)).append("</p>");
        }
        b.append("</header>\n<main>\n");
        for (Section s : sections) {
            s.render(b);
        }
        b.append("</main>\n<aside id=\"info\" hidden><button id=\"info-close\" title=\"close\">×</button>")
                .append("<div id=\"info-body\"></div></aside>\n")
                .append("<script type=\"application/json\" id=\"page-info\">")
                // "</" inside JSON strings would end the script element; "<\/" is the same JSON string
                .append(JsonText.writeFlatLists(info).replace("</", "<\\/"))
                .append("</script>\n<script>\n").append(resource("page.js")).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    /** Writes the page so that file only ever holds a complete page. */
    public void write(Path file) throws IOException {
        byte[] bytes = html().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Text made safe for HTML element content and attribute values. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + HtmlPage.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A section: a heading and its content, in the order the calls add it. */
    public static final class Section {
        private final String title;
        private final int level;
        private final String id;
        /** Content in the order added: rendered HTML text or sub-sections. */
        private final List<Object> parts = new ArrayList<>();
        private StringBuilder body = new StringBuilder();

        private Section(String title, int level, String id) {
            this.title = title;
            this.level = level;
            this.id = id;
        }

        /** A sub-section (one heading level down). */
        public Section section(String sectionTitle) {
            Section s = new Section(sectionTitle, Math.min(level + 1, 6), id + "-" + (parts.size() + 1));
            parts.add(body);
            parts.add(s);
            body = new StringBuilder();
            return s;
        }

        /** A paragraph of plain text. */
        public Section text(String text) {
            body.append("<p>").append(escape(text)).append("</p>\n");
            return this;
        }

        /** A line of figures read at a glance: label → value, as tiles. */
        public Section facts(Map<String, ?> facts) {
            body.append("<div class=\"facts\">");
            facts.forEach((k, v) -> body.append("<div class=\"fact\"><span class=\"value\">")
                    .append(escape(String.valueOf(v))).append("</span><span class=\"label\">")
                    .append(escape(k)).append("</span></div>"));
            body.append("</div>\n");
            return this;
        }

        /** A colour key: CSS class (of page.css or the SVG's own) → what it means. */
        public Section legend(Map<String, String> classToMeaning) {
            body.append("<div class=\"legend\">");
            // an SVG swatch, as the classes colour SVG shapes (fill/stroke), not HTML boxes
            classToMeaning.forEach((cls, meaning) -> body.append("<span><svg class=\"swatch\" width=\"16\" height=\"12\">")
                    .append("<g class=\"").append(escape(cls)).append("\"><rect class=\"").append(escape(cls))
                    // white unless the class fills it (a presentation attribute yields to CSS)
                    .append("\" fill=\"#fff\" x=\"1\" y=\"1\" width=\"14\" height=\"10\" rx=\"2\"/></g></svg>")
                    .append(escape(meaning)).append("</span>"));
            body.append("</div>\n");
            return this;
        }

        /**
         * Inline SVG markup made by the project's own drawing code ({@link Svg}); it is trusted:
         * text inside it must already be escaped.
         */
        public Section svg(String svgMarkup) {
            if (!svgMarkup.startsWith("<svg")) {
                throw new IllegalArgumentException("not an <svg> element: " + svgMarkup.substring(0, Math.min(40, svgMarkup.length())));
            }
            body.append("<div class=\"svg\">").append(svgMarkup).append("</div>\n");
            return this;
        }

        /**
         * SVG drawings side by side (each scrolls in its own box), captioned: caption → markup of
         * {@link #svg}. On a narrow screen they wrap one under the other.
         */
        public Section svgsSideBySide(Map<String, String> captionToSvg) {
            body.append("<div class=\"side-by-side\">");
            captionToSvg.forEach((caption, svg) -> {
                body.append("<div class=\"column\"><h4>").append(escape(caption)).append("</h4>");
                svg(svg);
                body.append("</div>");
            });
            body.append("</div>\n");
            return this;
        }

        /**
         * A PNG image as a data URI, width and height being those in its header. Small images are
         * shown zoomed by a whole factor (to about 320 pixels, without smoothing, so that pixels
         * stay visible as pixels); an image wider than the page is shrunk to fit.
         */
        public Section png(byte[] png, int width, int height, String alt) {
            int[] size = pngSize(png);
            if (size[0] != width || size[1] != height) {
                throw new IllegalArgumentException("PNG \"" + alt + "\" is " + size[0] + "x" + size[1]
                        + ", not " + width + "x" + height);
            }
            body.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                    .append("\" width=\"").append(width * zoom(width, height)).append("\" height=\"")
                    .append(height * zoom(width, height))
                    .append("\" alt=\"").append(escape(alt)).append("\"><figcaption>").append(escape(alt))
                    .append("</figcaption></figure>\n");
            return this;
        }

        /** A table; numbers are right-aligned, null shows as an empty cell. */
        public Section table(List<String> header, List<? extends List<?>> rows) {
            body.append("<table><thead><tr>");
            for (String h : header) {
                body.append("<th>").append(escape(h)).append("</th>");
            }
            body.append("</tr></thead><tbody>\n");
            for (List<?> row : rows) {
                body.append("<tr>");
                for (Object cell : row) {
                    body.append(cell instanceof Number ? "<td class=\"num\">" : "<td>")
                            .append(cell == null ? "" : escape(String.valueOf(cell))).append("</td>");
                }
                body.append("</tr>\n");
            }
            body.append("</tbody></table>\n");
            return this;
        }

        private static int zoom(int width, int height) {
            return Math.max(1, 320 / Math.max(1, Math.max(width, height)));
        }

        private void render(StringBuilder b) {
            b.append("<section id=\"").append(id).append("\"><h").append(level).append('>')
                    .append(escape(title)).append("</h").append(level).append(">\n");
            for (Object part : parts) {
                if (part instanceof Section s) {
                    s.render(b);
                } else {
                    b.append(part);
                }
            }
            b.append(body).append("</section>\n");
        }
    }

    /** Width and height from a PNG's IHDR chunk (big-endian at bytes 16 and 20). */
    static int[] pngSize(byte[] png) {
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        if (png.length < 24 || !java.util.Arrays.equals(java.util.Arrays.copyOf(png, 8), magic)) {
            throw new IllegalArgumentException("not a PNG image (" + png.length + " bytes)");
        }
        return new int[] {readInt(png, 16), readInt(png, 20)};
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
