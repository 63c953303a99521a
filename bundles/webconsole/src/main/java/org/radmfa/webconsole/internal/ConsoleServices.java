package org.radmfa.webconsole.internal;

import java.util.List;
import java.util.Map;

import org.radmfa.api.ClientRegistry;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ConfigurationCheck;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.NpsImport;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.audit.AuditSearch;

/**
 * The services the page shows, copied once per request from the component's dynamic references: a view sees one
 * consistent set even while a bundle is updated under it. Any of them may be null (not installed).
 */
record ConsoleServices(ClientRegistry clientRegistry, RadiusStatistics statistics, DecisionLog decisionLog,
        List<Map.Entry<Map<String, Object>, MfaConnector>> mfaConnectors, MfaActivity mfaActivity,
        ClientAdmin clientAdmin, PolicyAdmin policyAdmin, LocalUserAdmin userAdmin, NpsImport npsImport,
        ConfigurationCheck configurationCheck, RemoteServerAdmin remoteServerAdmin,
        RemoteServerGroups remoteServerGroups, AuditSearch auditSearch) {

    ConsoleServices {
        mfaConnectors = mfaConnectors == null ? List.of() : List.copyOf(mfaConnectors);
    }

    /** Without the audit trail search. */
    ConsoleServices(ClientRegistry clientRegistry, RadiusStatistics statistics, DecisionLog decisionLog,
            List<Map.Entry<Map<String, Object>, MfaConnector>> mfaConnectors, MfaActivity mfaActivity,
            ClientAdmin clientAdmin, PolicyAdmin policyAdmin, LocalUserAdmin userAdmin, NpsImport npsImport,
            ConfigurationCheck configurationCheck, RemoteServerAdmin remoteServerAdmin,
            RemoteServerGroups remoteServerGroups) {
        this(clientRegistry, statistics, decisionLog, mfaConnectors, mfaActivity, clientAdmin, policyAdmin, userAdmin,
                npsImport, configurationCheck, remoteServerAdmin, remoteServerGroups, null);
    }

    /** Without the remote server services. */
    ConsoleServices(ClientRegistry clientRegistry, RadiusStatistics statistics, DecisionLog decisionLog,
            List<Map.Entry<Map<String, Object>, MfaConnector>> mfaConnectors, MfaActivity mfaActivity,
            ClientAdmin clientAdmin, PolicyAdmin policyAdmin, LocalUserAdmin userAdmin, NpsImport npsImport,
            ConfigurationCheck configurationCheck) {
        this(clientRegistry, statistics, decisionLog, mfaConnectors, mfaActivity, clientAdmin, policyAdmin, userAdmin,
                npsImport, configurationCheck, null, null);
    }

    /** None installed: what a view sees on a bare Karaf. */
    static ConsoleServices none() {
        return new ConsoleServices(null, null, null, List.of(), null, null, null, null, null, null, null, null, null);
    }
}
