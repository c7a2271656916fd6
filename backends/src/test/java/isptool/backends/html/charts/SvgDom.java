package isptool.backends.html.charts;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** An SVG string parsed as XML (it must be well-formed), and its elements by tag and class. */
final class SvgDom {
    final Element root;

    SvgDom(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            root = d.getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n" + svg, e);
        }
    }

    /** Elements with this tag whose class list holds cssClass (null: any class). */
    List<Element> all(String tag, String cssClass) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> r = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (cssClass == null || List.of(e.getAttribute("class").split(" ")).contains(cssClass)) {
                r.add(e);
            }
        }
        return r;
    }

    static double num(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    /** The text of the element's title child ("" without one). */
    static String title(Element e) {
        NodeList t = e.getElementsByTagName("title");
        return t.getLength() == 0 ? "" : t.item(0).getTextContent();
    }

    /** The points of a path drawn by Svg.line/polyline ("M x y L x y ..."), as {x0, y0, x1, y1, ...}. */
    static double[] points(Element path) {
        String[] words = path.getAttribute("d").replace("M", " ").replace("L", " ").trim().split("\\s+");
        double[] r = new double[words.length];
        for (int i = 0; i < words.length; i++) {
            r[i] = Double.parseDouble(words[i]);
        }
        return r;
    }

    /** The first element with this tag and class inside e. */
    static Element first(Element e, String tag, String cssClass) {
        NodeList nodes = e.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element c = (Element) nodes.item(i);
            if (List.of(c.getAttribute("class").split(" ")).contains(cssClass)) {
                return c;
            }
        }
        return null;
    }

    /** The texts of all text elements of a class. */
    List<String> texts(String cssClass) {
        return all("text", cssClass).stream().map(Element::getTextContent).toList();
    }
}
