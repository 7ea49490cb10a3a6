package org.passerelle.gateway.console;

import java.util.List;
import org.springframework.web.util.HtmlUtils;

/**
 * Draws a grouped bar chart as inline SVG on the server: no script, no inline style (colours come from CSS classes in
 * console.css). Accessible: {@code role="img"} named by its {@code <title>} and described by its {@code <desc>}; each
 * bar carries its number as a label and the series differ in outline as well as colour, so nothing depends on colour
 * alone. The page shows the same numbers in a table.
 */
final class SvgBarChart {

    /** One group on the x axis: its label and one value per series. */
    record Group(String label, long[] values) {
    }

    /** A series: its name (for the legend) and its CSS class. */
    record Series(String name, String cssClass) {
    }

    private static final int LEFT = 44;
    private static final int TOP = 40;
    private static final int PLOT_HEIGHT = 180;
    private static final int BAR = 16;
    private static final int GAP = 14;

    private SvgBarChart() {
    }

    static String render(String id, String title, String description, List<Series> series, List<Group> groups) {
        long max = 1;
        for (Group g : groups) {
            for (long v : g.values()) {
                max = Math.max(max, v);
            }
        }
        int groupWidth = series.size() * BAR + GAP;
        int width = LEFT + groups.size() * groupWidth + 10;
        int height = TOP + PLOT_HEIGHT + 40;
        int baseline = TOP + PLOT_HEIGHT;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"passerelle-chart\" role=\"img\" focusable=\"false\"")
                .append(" id=\"").append(esc(id)).append("\"")
                .append(" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\"")
                .append(" width=\"").append(width).append("\" height=\"").append(height).append("\"")
                .append(" aria-labelledby=\"").append(esc(id)).append("-title ").append(esc(id)).append("-desc\">");
        svg.append("<title id=\"").append(esc(id)).append("-title\">").append(esc(title)).append("</title>");
        svg.append("<desc id=\"").append(esc(id)).append("-desc\">").append(esc(description)).append("</desc>");
        // Legend.
        int x = LEFT;
        for (Series s : series) {
            svg.append("<rect class=\"").append(esc(s.cssClass())).append("\" x=\"").append(x).append("\" y=\"8\" width=\"14\" height=\"14\"/>");
            svg.append("<text x=\"").append(x + 20).append("\" y=\"20\">").append(esc(s.name())).append("</text>");
            x += 20 + s.name().length() * 8 + 24;
        }
        // Axes and the top value.
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(baseline).append("\"/>");
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(baseline).append("\" x2=\"")
                .append(width - 10).append("\" y2=\"").append(baseline).append("\"/>");
        svg.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(TOP + 5).append("\" text-anchor=\"end\">")
                .append(max).append("</text>");
        svg.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(baseline + 5).append("\" text-anchor=\"end\">0</text>");
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            int gx = LEFT + GAP / 2 + g * groupWidth;
            for (int s = 0; s < series.size(); s++) {
                long v = s < group.values().length ? group.values()[s] : 0;
                int h = (int) Math.round((double) v * PLOT_HEIGHT / max);
                int bx = gx + s * BAR;
                svg.append("<rect class=\"").append(esc(series.get(s).cssClass())).append("\" x=\"").append(bx)
                        .append("\" y=\"").append(baseline - h).append("\" width=\"").append(BAR - 2).append("\" height=\"")
                        .append(h).append("\"/>");
                svg.append("<text class=\"value\" x=\"").append(bx + (BAR - 2) / 2).append("\" y=\"").append(baseline - h - 4)
                        .append("\" text-anchor=\"middle\">").append(v).append("</text>");
            }
            svg.append("<text class=\"tick\" x=\"").append(gx + (series.size() * BAR) / 2).append("\" y=\"")
                    .append(baseline + 18).append("\" text-anchor=\"middle\">").append(esc(group.label())).append("</text>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static String esc(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s);
    }
}
