package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.radmfa.webconsole.internal.Route.Target;

class RouteTest {

    @Test
    void getsThePageTheJsonAndTheAssets() {
        assertEquals(Target.PAGE, Route.of("GET", "").target());
        assertEquals(Target.PAGE, Route.of("GET", "/").target());
        assertEquals(Target.STATE, Route.of("GET", "/state.json").target());
        assertEquals(new Route(Target.ASSET, "radmfa.js"), Route.of("GET", "/radmfa.js"));
    }

    /** The webjar is on the test class path as bnd sees it: a version bump that forgets Route fails here. */
    @Test
    void everyAssetExists() {
        Route.ASSETS.forEach((url, resource) -> assertNotNull(RadmfaConsolePlugin.class.getResource(resource),
                url + " -> " + resource));
    }

    @Test
    void postsChangesAndTheNpsImport() {
        assertEquals(new Route(Target.CHANGE, "/clients"), Route.of("POST", "/clients"));
        assertEquals(new Route(Target.CHANGE, "/policies"), Route.of("POST", "/policies"));
        assertEquals(new Route(Target.CHANGE, "/users"), Route.of("POST", "/users"));
        assertEquals(new Route(Target.CHANGE, "/servers"), Route.of("POST", "/servers"));
        assertEquals(Target.NPS_IMPORT, Route.of("POST", "/nps-import").target());
    }

    @Test
    void anythingElseIsNotFound() {
        assertEquals(Target.NOT_FOUND, Route.of("GET", "/clients").target(), "changes are never made by GET");
        assertEquals(Target.NOT_FOUND, Route.of("POST", "/state.json").target());
        assertEquals(Target.NOT_FOUND, Route.of("GET", "/../etc/passwd").target());
        assertEquals(Target.NOT_FOUND, Route.of("GET", "/Radmfa.js").target());
        assertEquals(Target.NOT_FOUND, Route.of("DELETE", "/clients").target());
    }
}
