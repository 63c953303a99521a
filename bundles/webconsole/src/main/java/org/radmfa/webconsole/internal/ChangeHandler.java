package org.radmfa.webconsole.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.radmfa.api.admin.AdminException;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;
import org.radmfa.api.admin.LocalUserSettings;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.RemoteServerAdmin;

/**
 * The changes the page's forms ask for, carried out through the admin services (which validate and store them as the
 * edited etc/ files would be). Called only after the role and the CSRF token were checked. Returns what to tell the
 * user; never repeats a secret or a password.
 */
final class ChangeHandler {

    /** What was done, and the part of the page to go back to. */
    record Done(String message, String anchor) {
    }

    private final ClientAdmin clients;
    private final PolicyAdmin policies;
    private final LocalUserAdmin users;
    private final RemoteServerAdmin servers;

    ChangeHandler(ClientAdmin clients, PolicyAdmin policies, LocalUserAdmin users, RemoteServerAdmin servers) {
        this.clients = clients;
        this.policies = policies;
        this.users = users;
        this.servers = servers;
    }

    /**
     * @param path the path below the plugin: /clients, /policies, /servers or /users
     * @param parameters the form's fields (null when absent)
     * @throws IllegalArgumentException for a form that cannot be understood (a field missing, an unknown action)
     * @throws AdminException for a change the admin service refused, with key and reason
     * @throws IllegalStateException when the service that makes such changes is not installed
     */
    Done handle(String path, Function<String, String> parameters) throws AdminException {
        Form form = new Form(parameters);
        return switch (path) {
            case "/clients" -> client(form);
            case "/policies" -> policy(form);
            case "/users" -> user(form);
            case "/servers" -> RemoteServerForm.change(
                    require(servers, "remote server administration (feature radmfa-admin)"), parameters);
            default -> throw new IllegalArgumentException("no such page: " + path);
        };
    }

    private Done client(Form form) throws AdminException {
        ClientAdmin admin = require(clients, "client administration (feature radmfa-admin)");
        String name = form.required("name");
        switch (form.required("action")) {
            case "put" -> {
                Optional<ClientEntry> existing = admin.client(name);
                String messageAuthenticator = form.optional("requireMessageAuthenticator");
                MessageAuthenticatorPolicy policy;
                try {
                    policy = messageAuthenticator == null ? MessageAuthenticatorPolicy.AUTO
                            : MessageAuthenticatorPolicy.parse(messageAuthenticator);
                } catch (IllegalArgumentException e) {
                    throw new InvalidDefinitionException("requireMessageAuthenticator", e.getMessage());
                }
                ClientSettings settings = new ClientSettings(name, form.required("address"),
                        form.optional("vendor"), policy, form.flag("limitProxyState"),
                        form.number("nasTimeoutSeconds", existing.map(e -> e.settings().nasTimeoutSeconds()).orElse(0)),
                        form.number("nasRetries", existing.map(e -> e.settings().nasRetries()).orElse(0)));
                ClientEntry saved = admin.put(settings, form.optional("secret"));
                return new Done("Client '" + saved.settings().name()
                        + (existing.isPresent() ? "' changed" : "' added") + " (secret fingerprint "
                        + saved.secretFingerprint() + ", " + saved.source() + ")", "clients");
            }
            case "remove" -> {
                return new Done(admin.remove(name) ? "Client '" + name + "' removed" : "No client '" + name + "'",
                        "clients");
            }
            default -> throw new IllegalArgumentException("unknown client action: " + form.required("action"));
        }
    }

    private Done policy(Form form) throws AdminException {
        PolicyAdmin admin = require(policies, "policy administration (feature radmfa-admin)");
        PolicyKind kind;
        try {
            kind = PolicyKind.valueOf(form.required("kind").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown policy kind: " + form.required("kind"));
        }
        String name = form.required("name");
        String what = kind == PolicyKind.NETWORK ? "Network policy '" : "Connection request policy '";
        String anchor = kind == PolicyKind.NETWORK ? "policies" : "crps";
        return switch (form.required("action")) {
            case "put" -> {
                Optional<PolicyEntry> existing = admin.policy(kind, name);
                int order = existing.isPresent() ? existing.get().settings().order()
                        : orderForNew(admin.policies(kind));
                PolicyEntry saved = admin.put(PolicyForm.settings(kind, form.parameters(), order));
                yield new Done(what + saved.settings().name() + (existing.isPresent() ? "' changed" : "' added")
                        + " (" + saved.source() + ")", anchor);
            }
            case "enable" -> new Done(what + admin.setEnabled(kind, name, true).settings().name() + "' enabled",
                    anchor);
            case "disable" -> new Done(what + admin.setEnabled(kind, name, false).settings().name() + "' disabled",
                    anchor);
            case "up", "down" -> {
                List<PolicyEntry> list = admin.policies(kind);
                int index = indexOf(list, name);
                int position = index + 1 + ("up".equals(form.required("action")) ? -1 : 1);
                position = Math.max(1, Math.min(list.size(), position));
                admin.move(kind, name, position);
                yield new Done(what + name + "' is now number " + position + " in processing order", anchor);
            }
            case "remove" -> new Done(admin.remove(kind, name) ? what + name + "' removed" : "No such policy",
                    anchor);
            default -> throw new IllegalArgumentException("unknown policy action: " + form.required("action"));
        };
    }

    private Done user(Form form) throws AdminException {
        LocalUserAdmin admin = require(users, "user administration (feature radmfa-admin)");
        String name = form.required("name");
        return switch (form.required("action")) {
            case "put" -> {
                boolean existed = admin.user(name).isPresent();
                String groups = form.optional("groups");
                LocalUserSettings settings = new LocalUserSettings(name,
                        groups == null ? List.of() : Arrays.stream(groups.split(",")).map(String::trim)
                                .filter(g -> !g.isEmpty()).toList(),
                        form.flag("enabled"), form.flag("msChapV2"), form.flag("chap"));
                LocalUserEntry saved = admin.put(settings, form.optional("password"));
                yield new Done("User '" + saved.settings().name() + (existed ? "' changed" : "' added"), "users");
            }
            case "password" -> new Done("Password of '" + admin.setPassword(name, form.required("password"))
                    .settings().name() + "' set", "users");
            case "enable" -> new Done("User '" + admin.setEnabled(name, true).settings().name() + "' enabled",
                    "users");
            case "disable" -> new Done("User '" + admin.setEnabled(name, false).settings().name() + "' disabled",
                    "users");
            case "remove" -> new Done(admin.remove(name) ? "User '" + name + "' removed" : "No user '" + name + "'",
                    "users");
            default -> throw new IllegalArgumentException("unknown user action: " + form.required("action"));
        };
    }

    /**
     * A new policy whose form leaves the order empty goes after the policies an administrator added and before NPS's
     * defaults at the end (orders from {@value #DEFAULTS_FROM}), which match everything and would shadow it.
     */
    static int orderForNew(List<PolicyEntry> policies) {
        int highest = 0;
        for (PolicyEntry policy : policies) {
            int order = policy.settings().order();
            if (order < DEFAULTS_FROM) {
                highest = Math.max(highest, order);
            }
        }
        return highest + 10;
    }

    static final int DEFAULTS_FROM = 999_000;

    private static int indexOf(List<PolicyEntry> list, String name) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).settings().name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such policy: " + name);
    }

    private static <T> T require(T service, String what) {
        if (service == null) {
            throw new IllegalStateException(what + " is not installed");
        }
        return service;
    }

    /** The form's fields: blank counts as absent. */
    private record Form(Function<String, String> parameters) {

        String optional(String field) {
            String value = parameters.apply(field);
            return value == null || value.isBlank() ? null : value.trim();
        }

        String required(String field) {
            String value = optional(field);
            if (value == null) {
                throw new IllegalArgumentException("field '" + field + "' is required");
            }
            return value;
        }

        boolean flag(String field) {
            String value = optional(field);
            return value != null && (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on"));
        }

        int number(String field, int absent) {
            String value = optional(field);
            if (value == null) {
                return absent;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field '" + field + "': not a whole number: " + value);
            }
        }
    }
}
