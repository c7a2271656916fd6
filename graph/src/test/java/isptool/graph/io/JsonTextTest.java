package isptool.graph.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The project's JSON writer: structure, escapes, non-finite numbers, and the flat-list form. */
class JsonTextTest {
    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a\"b\\c\nd\u0001\u2028");
        m.put("scales", List.of(0.5, 1.0f, Double.NaN));
        m.put("none", null);
        m.put("ok", true);
        m.put("rows", List.of(Map.of("k", 1), List.of()));
        m.put("empty", Map.of());
        return m;
    }

    @Test
    void listsOnePerLine() {
        assertEquals("{\n  \"name\": \"a\\\"b\\\\c\\nd\\u0001\\u2028\",\n  \"scales\": [\n    0.5,\n    1.0,\n    null\n  ],\n"
                + "  \"none\": null,\n  \"ok\": true,\n  \"rows\": [\n    {\n      \"k\": 1\n    },\n    []\n  ],\n"
                + "  \"empty\": {}\n}\n", JsonText.write(sample()));
    }

    @Test
    void scalarListsOnOneLineWithFlatLists() {
        String text = JsonText.writeFlatLists(sample());
        assertEquals(true, text.contains("  \"scales\": [0.5, 1.0, null],\n"), text);
        assertEquals(true, text.contains("  \"rows\": [\n    {\n"), text);
        assertEquals("[1, \"x\", false]\n", JsonText.writeFlatLists(Arrays.asList(1, "x", false)));
    }
}
