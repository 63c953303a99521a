package org.radmfa.webconsole.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the page's POST forms, each with the session's CSRF token.
 *
 * @param root the plugin's URL path, e.g. /system/console/radmfa
 * @param token the session's CSRF token
 * @param mayChange whether the user has the role that may change things: without it no form is rendered
 */
record Forms(String root, String token, boolean mayChange) {

    String tokenField() {
        return "<input type='hidden' name='" + CsrfGuard.FIELD + "' value='" + Html.escape(token) + "'/>";
    }

    /** A one-button form; {@code confirm}, if not null, is asked before it is sent. */
    String action(String path, String label, String confirm, Map<String, String> fields) {
        StringBuilder form = new StringBuilder("<form method='post' style='display:inline' action='")
                .append(Html.escape(root + path)).append("'");
        if (confirm != null) {
            form.append(" data-confirm='").append(Html.escape(confirm)).append("'");
        }
        form.append('>').append(tokenField());
        fields.forEach((name, value) -> form.append("<input type='hidden' name='").append(Html.escape(name))
                .append("' value='").append(Html.escape(value)).append("'/>"));
        return form.append("<button type='submit'>").append(Html.escape(label)).append("</button></form> ")
                .toString();
    }

    /** {@code base} plus the field {@code action}. */
    static Map<String, String> with(Map<String, String> base, String action) {
        Map<String, String> fields = new LinkedHashMap<>(base);
        fields.put("action", action);
        return fields;
    }
}
