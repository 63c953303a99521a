package org.radmfa.npsimport.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An NPS configuration export as NPS writes it ({@code netsh nps export}, {@code Export-NpsConfiguration}):
 * {@code Root/Children/Version} (256 or 257) and the service object
 * {@code Root/Children/Microsoft_Internet_Authentication_Service} with its RADIUS clients, vendors, network
 * policies (conditions in {@code NetworkPolicy}, settings in {@code RadiusProfiles}, paired by name), connection
 * request policies ({@code Proxy_Policies} with {@code Proxy_Profiles}) and remote RADIUS server groups.
 */
final class NpsExport {
    static final Set<Long> VERSIONS = Set.of(256L, 257L);

    /** A policy as NPS keeps it: its conditions and order in one object, its settings in another of the same name. */
    record Policy(NpsObject conditions, NpsObject profile) {
        String name() {
            return conditions.name();
        }
    }

    final long version;
    final NpsObject service;
    final List<NpsObject> clients;
    final Map<Long, String> vendors;
    final List<Policy> networkPolicies;
    final List<Policy> connectionRequestPolicies;
    final List<NpsObject> serverGroups;

    private NpsExport(long version, NpsObject service) throws NpsFormatException {
        this.version = version;
        this.service = service;
        NpsObject radius = service.find("Protocols", "Microsoft_Radius_Protocol").orElse(null);
        this.clients = radius == null ? List.of()
                : radius.child("Clients").map(NpsObject::children).orElse(List.of());
        this.vendors = new HashMap<>();
        if (radius != null) {
            for (NpsObject vendor : radius.child("Vendors").map(NpsObject::children).orElse(List.of())) {
                Optional<Long> id = vendor.number("NAS_Vendor_Id");
                if (id.isPresent()) {
                    vendors.put(id.get(), vendor.name());
                }
            }
        }
        this.networkPolicies = pairs(service, "NetworkPolicy", "RadiusProfiles");
        this.connectionRequestPolicies = pairs(service, "Proxy_Policies", "Proxy_Profiles");
        this.serverGroups = service.child("RADIUS_Server_Groups").map(NpsObject::children).orElse(List.of());
    }

    /**
     * The secret of a shared secret template: an object outside the client list whose {@code Template_Guid} is
     * the one a client names and that holds a {@code Shared_Secret}. Where NPS puts its templates in an export is
     * not documented; any such object of the service is looked at.
     */
    Optional<String> sharedSecretTemplate(String guid) {
        String wanted = normalizedGuid(guid);
        Deque<NpsObject> pending = new ArrayDeque<>(service.children());
        while (!pending.isEmpty()) {
            NpsObject candidate = pending.pop();
            if (clients.contains(candidate)) {
                continue;
            }
            Optional<String> secret = candidate.string("Shared_Secret").filter(s -> !s.isEmpty());
            if (secret.isPresent() && candidate.string("Template_Guid").map(NpsExport::normalizedGuid)
                    .filter(wanted::equals).isPresent()) {
                return secret;
            }
            pending.addAll(candidate.children());
        }
        return Optional.empty();
    }

    private static String normalizedGuid(String guid) {
        return guid.strip().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
    }

    static NpsExport read(Path file, SafeXmlReader reader) throws NpsFormatException, IOException {
        return of(reader.read(file));
    }

    static NpsExport of(XmlElement root) throws NpsFormatException {
        if (!root.tag().equals("Root")) {
            throw new NpsFormatException(root.path(), "the root element is <" + root.tag()
                    + ">, not <Root>: this is not an NPS configuration export");
        }
        XmlElement children = root.child("Children").orElseThrow(() -> new NpsFormatException(root.path(),
                "no <Children>: this is not an NPS configuration export"));
        XmlElement versionElement = children.child("Version").orElseThrow(() -> new NpsFormatException(
                children.path(), "no <Version>: this is not an NPS configuration export"));
        long version;
        try {
            version = Long.parseLong(versionElement.text().trim());
        } catch (NumberFormatException e) {
            throw new NpsFormatException(versionElement.path(), "'" + versionElement.text() + "' is not a version");
        }
        if (!VERSIONS.contains(version)) {
            throw new NpsFormatException(versionElement.path(), "version " + version
                    + " is not one this importer reads (256, 257)");
        }
        XmlElement service = children.child("Microsoft_Internet_Authentication_Service").orElseThrow(
                () -> new NpsFormatException(children.path(),
                        "no <Microsoft_Internet_Authentication_Service>: the export holds no NPS configuration"));
        return new NpsExport(version, new NpsObject(service));
    }

    /**
     * Pairs the objects of two containers by name. A policy without its settings object is a broken export:
     * refused, since importing it with default settings would change its meaning.
     */
    private static List<Policy> pairs(NpsObject service, String conditionsTag, String profilesTag)
            throws NpsFormatException {
        List<NpsObject> conditions = service.child(conditionsTag).map(NpsObject::children).orElse(List.of());
        Map<String, NpsObject> profiles = new LinkedHashMap<>();
        service.child(profilesTag).map(NpsObject::children).orElse(List.of())
                .forEach(p -> profiles.put(p.name(), p));
        List<Policy> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NpsObject policy : conditions) {
            if (!seen.add(policy.name())) {
                throw new NpsFormatException(policy.path(), "a second " + conditionsTag + " object named '"
                        + policy.name() + "'");
            }
            NpsObject profile = profiles.get(policy.name());
            if (profile == null) {
                throw new NpsFormatException(policy.path(), "policy '" + policy.name() + "' has no settings object"
                        + " of the same name under " + profilesTag);
            }
            if (policy.number("msNPSequence").isEmpty()) {
                throw new NpsFormatException(policy.path(), "policy '" + policy.name()
                        + "' has no processing order (msNPSequence)");
            }
            result.add(new Policy(policy, profile));
        }
        return result;
    }
}
