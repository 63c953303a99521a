package org.radmfa.webconsole.internal;

import java.util.Map;

/**
 * What a request to the page asks for, from its method and its path below the plugin. Kept apart from the servlet so
 * that the table of what the page answers is in one place and tested on its own.
 *
 * @param target what to do
 * @param name for {@link Target#ASSET}, the resource's name; for {@link Target#CHANGE}, the path of the form
 */
record Route(Target target, String name) {

    enum Target {
        /** GET: the page. */
        PAGE,
        /** GET: dashboard figures and recent decisions, JSON. */
        STATE,
        /** GET: the charts' time series, JSON. */
        SERIES,
        /** GET: decisions matching a search, JSON. */
        DECISIONS,
        /** GET: one decision with its full trace, JSON. */
        DECISION,
        /** GET: a script or style sheet the bundle carries. */
        ASSET,
        /** POST: a change through the admin services (role and CSRF token checked first). */
        CHANGE,
        /** POST: an NPS export to import (role and CSRF token checked first). */
        NPS_IMPORT,
        /** Anything else: 404. */
        NOT_FOUND
    }

    /** Where the bundle carries uPlot (the webjar's own path; the version is the pom's uplot.version). */
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";

    /** Script and style resources served from the bundle, by the name in the URL (no CDN: appliances are offline). */
    static final Map<String, String> ASSETS = Map.of(
            "/radmfa.js", "radmfa.js",
            "/charts.js", "charts.js",
            "/uPlot.iife.min.js", Route.UPLOT + "dist/uPlot.iife.min.js",
            "/uPlot.min.css", Route.UPLOT + "dist/uPlot.min.css",
            "/uPlot-LICENSE.txt", Route.UPLOT + "LICENSE");

    private static final Map<String, Target> GETS = Map.of(
            "", Target.PAGE,
            "/", Target.PAGE,
            "/state.json", Target.STATE,
            "/series.json", Target.SERIES,
            "/decisions.json", Target.DECISIONS,
            "/decision.json", Target.DECISION);

    private static final java.util.Set<String> CHANGES = java.util.Set.of("/clients", "/policies", "/servers",
            "/users");

    static Route of(String method, String subPath) {
        if ("GET".equals(method) || "HEAD".equals(method)) {
            Target target = GETS.get(subPath);
            if (target != null) {
                return new Route(target, null);
            }
            String asset = ASSETS.get(subPath);
            return asset != null ? new Route(Target.ASSET, asset) : new Route(Target.NOT_FOUND, null);
        }
        if ("POST".equals(method)) {
            if ("/nps-import".equals(subPath)) {
                return new Route(Target.NPS_IMPORT, null);
            }
            return CHANGES.contains(subPath) ? new Route(Target.CHANGE, subPath) : new Route(Target.NOT_FOUND, null);
        }
        return new Route(Target.NOT_FOUND, null);
    }
}
