package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/** The remote RADIUS servers section: what a viewer and an admin get, live state, escaping, absent services. */
class RemoteServersViewTest {

    private static final Forms ADMIN = new Forms("/system/console/radmfa", "token", true);
    private static final Forms VIEWER = new Forms("/system/console/radmfa", "token", false);

    private final RemoteServerAdmin admin = Fakes.service(RemoteServerAdmin.class, Map.of("servers", args -> List.of(
            new RemoteServerEntry(new RemoteServerSettings("old<radius>", "r1", "10.0.0.5", 1812, 1813, 1, 50, 3, 5,
                    30, true, true, false), "abcd1234", "etc/org.radmfa.proxy.server-old-radius-r1.cfg"),
            new RemoteServerEntry(new RemoteServerSettings("old<radius>", "r2", "10.0.0.6", 1645, 1646, 2, 20, 3, 5,
                    30, false, true, false), "ef567890", "etc/org.radmfa.proxy.server-old-radius-r2.cfg"))));
    private final RemoteServerGroups live = Fakes.service(RemoteServerGroups.class, Map.of("servers", args -> List.of(
            new RemoteServerStatus("old<radius>", "r1", "10.0.0.5:1812", 1, 50, true, 7, 6, 1, 0, 12, null,
                    "abcd1234"),
            new RemoteServerStatus("old<radius>", "r2", "10.0.0.6:1645", 2, 20, false, 3, 0, 3, 0, -1,
                    Instant.parse("2026-12-05T10:00:00Z"), "ef567890"))));

    @Test
    void anAdminGetsTheServersWithTheirLiveStateAndTheForm() {
        String html = Fakes.render(out -> RemoteServersView.render(out, admin, live, ADMIN));
        assertTrue(html.contains("<td>old&lt;radius&gt;</td><td>r1</td><td>10.0.0.5</td><td>1812 / 1813</td>"
                + "<td>1</td><td>50</td><td>yes</td><td><code>abcd1234</code></td><td><b class='radmfa-up'>up</b>"),
                html);
        assertTrue(html.contains("<td>1645 / 1646</td><td>2</td><td>20</td><td>no</td>"), html);
        assertTrue(html.contains("down</b> since 2026-12-05T10:00:00Z"), html);
        assertTrue(html.contains("id='radmfa-server-form'"), html);
        assertTrue(html.contains("name='secret' type='password'"), html);
        assertTrue(html.contains("data-form='radmfa-server-form'"), html);
        assertFalse(html.contains("<radius>"), "escaped: " + html);
    }

    @Test
    void aViewerGetsNoFormAndWithoutTheProxyNoLiveState() {
        String html = Fakes.render(out -> RemoteServersView.render(out, admin, null, VIEWER));
        assertFalse(html.contains("<form"), html);
        assertFalse(html.contains("Edit"), html);
        assertTrue(html.contains("proxy not running"), html);
        assertTrue(html.contains("ef567890"), html);
    }

    @Test
    void aServerTheProxyHasNotLoadedSaysSo() {
        RemoteServerGroups empty = Fakes.service(RemoteServerGroups.class, Map.of("servers", args -> List.of()));
        String html = Fakes.render(out -> RemoteServersView.render(out, admin, empty, VIEWER));
        assertTrue(html.contains("not loaded by the proxy"), html);
    }

    @Test
    void absentOrFailingAdminServiceIsShownNotThrown() {
        assertTrue(Fakes.render(out -> RemoteServersView.render(out, null, live, ADMIN)).contains("radmfa-admin"));
        RemoteServerAdmin failing = Fakes.service(RemoteServerAdmin.class, Map.of("servers", args -> {
            throw new AdminException("etc/ is not writable");
        }));
        String html = Fakes.render(out -> RemoteServersView.render(out, failing, live, ADMIN));
        assertTrue(html.contains("Cannot list the remote servers: etc/ is not writable"), html);
        assertFalse(html.contains("<form"), html);
    }
}
