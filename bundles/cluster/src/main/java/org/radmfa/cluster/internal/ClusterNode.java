package org.radmfa.cluster.internal;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import java.time.Clock;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.ClusterMembership;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedChallenges;
import org.radmfa.api.SharedMessageAuthenticators;
import org.radmfa.api.SharedMfaLogins;
import org.radmfa.api.SharedOneTimeCodes;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;

/**
 * This appliance as a member of a cluster of appliances: an embedded Hazelcast member on a private address, joined
 * to statically listed peers (no multicast), sharing the configurations named in {@code sharedFactoryPids} and
 * {@code sharedPids}. Hazelcast starts and joins on a thread of its own, so the appliance serves RADIUS from its
 * own configuration whether or not its peers are there.
 */
@Component(configurationPid = ClusterNode.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurationListener.class, immediate = true)
@Designate(ocd = ClusterNode.Settings.class)
public final class ClusterNode implements ConfigurationListener {
    static final String PID = "org.radmfa.cluster";
    static final String MAP_NAME = "radmfa-configuration";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    @ObjectClassDefinition(name = "radmfa cluster member",
            description = "Shares clients, policies, users, OTP enrollments and connector settings with the other"
                    + " appliances listed in members, through embedded Hazelcast. Every node needs the same"
                    + " etc/radmfa-vault.key: entries are sealed with it.")
    @interface Settings {
        @AttributeDefinition(name = "Node name", description = "Unique in the cluster; default: the host name")
        String nodeName() default "";

        @AttributeDefinition(name = "Bind address",
                description = "The private address cluster traffic uses; nothing else is listened on")
        String bindAddress();

        @AttributeDefinition(name = "Port")
        int port() default 5701;

        @AttributeDefinition(name = "Members", description = "Comma-separated address[:port] of every node")
        String members();

        @AttributeDefinition(name = "Cluster name")
        String clusterName() default "radmfa";

        @AttributeDefinition(name = "Shared factory configurations")
        String sharedFactoryPids() default ClusterSettings.DEFAULT_FACTORY_PIDS;

        @AttributeDefinition(name = "Shared singleton configurations")
        String sharedPids() default ClusterSettings.DEFAULT_PIDS;
    }

    private final ExecutorService worker;
    private final ConfigurationAdmin configurationAdmin;
    private final SecretVault vault;
    private final File records;
    private final BundleContext context;
    private volatile ServiceRegistration<SharedMfaLogins> sharedLogins;
    private volatile ServiceRegistration<SharedOneTimeCodes> sharedCodes;
    private volatile ServiceRegistration<SharedMessageAuthenticators> sharedMessageAuthenticators;
    private volatile HazelcastOneTimeCodes oneTimeCodes;
    private volatile ServiceRegistration<SharedChallenges> sharedChallenges;
    private volatile ServiceRegistration<ClusterMembership> membership;
    private volatile HazelcastChallenges challenges;
    private volatile HazelcastMfaLogins logins;
    private volatile ConfigurationAdminConfigs local;
    private volatile ClusterSettings settings;
    private volatile HazelcastInstance hazelcast;
    private volatile ConfigMirror mirror;

    @Activate
    public ClusterNode(Map<String, Object> properties, @Reference ConfigurationAdmin configurationAdmin,
            @Reference SecretVault vault, BundleContext context) throws InvalidConfigurationException {
        ClusterSettings first = read(properties);
        if (first == null) {
            throw new InvalidConfigurationException(ConfigReader.sourceOf(properties), "", "refused (see above)");
        }
        this.configurationAdmin = configurationAdmin;
        this.vault = vault;
        this.records = context.getDataFile("shared-versions.properties");
        this.context = context;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "radmfa-cluster");
            thread.setDaemon(true);
            return thread;
        });
        join(first);
    }

    /**
     * A changed configuration: refused with its key and reason while the node stays in the cluster with its last
     * good settings, or, when valid and different, the node leaves and joins again with the new ones.
     */
    @Modified
    void modified(Map<String, Object> properties) {
        ClusterSettings changed = read(properties);
        if (changed != null && !changed.equals(settings)) {
            worker.execute(this::leave);
            join(changed);
        }
    }

    /** The settings, or null after logging why they are refused (and what keeps serving). */
    private ClusterSettings read(Map<String, Object> properties) {
        ConfigReader config = ClusterSettings.TYPE.read(properties);
        try {
            ClusterSettings read = ClusterSettings.read(config);
            config.unknownKeys().forEach(unknown -> LOG.warn(
                    "{}: key '{}' is not a cluster setting and is ignored", config.source(), unknown));
            return read;
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused cluster configuration {}; {}", e.getMessage(), settings == null
                    ? "this node stays out of the cluster and keeps serving RADIUS with its own configuration"
                    : "this node stays in the cluster with its last good settings");
            return null;
        }
    }

    private void join(ClusterSettings chosen) {
        settings = chosen;
        local = new ConfigurationAdminConfigs(configurationAdmin, chosen.sharedFactoryPids(), chosen.sharedPids(),
                new File(System.getProperty("karaf.etc", "etc")));
        worker.execute(() -> start(hazelcastConfig(chosen), chosen.nodeName(), vault, records));
    }

    private void leave() {
        unregister(sharedLogins);
        sharedLogins = null;
        unregister(sharedCodes);
        sharedCodes = null;
        unregister(sharedChallenges);
        sharedChallenges = null;
        unregister(sharedMessageAuthenticators);
        sharedMessageAuthenticators = null;
        unregister(membership);
        membership = null;
        HazelcastChallenges pendingChallenges = challenges;
        challenges = null;
        if (pendingChallenges != null) {
            pendingChallenges.close();
        }
        HazelcastOneTimeCodes codes = oneTimeCodes;
        oneTimeCodes = null;
        if (codes != null) {
            codes.close();
        }
        HazelcastMfaLogins shared = logins;
        logins = null;
        if (shared != null) {
            shared.close();
        }
        mirror = null;
        HazelcastInstance instance = hazelcast;
        hazelcast = null;
        if (instance != null) {
            instance.shutdown();
        }
    }

    private void start(Config config, String node, SecretVault vault, File records) {
        LOG.info("Cluster node {} joining {} on {}", node, config.getNetworkConfig().getJoin().getTcpIpConfig()
                .getMembers(), config.getNetworkConfig().getInterfaces().getInterfaces());
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(config);
        hazelcast = instance;
        HazelcastStore store = new HazelcastStore(instance.getMap(MAP_NAME), vault);
        ConfigMirror started = new ConfigMirror(node, local, store, records == null ? null : records.toPath());
        mirror = started;
        store.listen(entry -> worker.execute(() -> started.remoteChanged(entry)));
        instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("Cluster member joined: {}; members now {}", event.getMember(), event.getMembers());
                worker.execute(started::reconcile);
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.warn("Cluster member left: {}; members now {}. This node keeps serving with its configuration",
                        event.getMember(), event.getMembers());
            }
        });
        instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("Cluster split healed: reconciling");
                worker.execute(started::reconcile);
            }
        });
        started.reconcile();
        // Pending second factors, shared: a gateway failing over mid-push joins the push on this or another node.
        HazelcastMfaLogins shared = HazelcastMfaLogins.on(instance, vault, Clock.systemUTC());
        shared.prepareKey();
        logins = shared;
        sharedLogins = context.registerService(SharedMfaLogins.class, shared, null);
        // One-time codes, shared: a TOTP code accepted by this node is refused by the others.
        HazelcastOneTimeCodes codes = HazelcastOneTimeCodes.on(instance, node, vault);
        codes.prepareKey();
        oneTimeCodes = codes;
        sharedCodes = context.registerService(SharedOneTimeCodes.class, codes, null);
        // Challenges, shared: an answer that fails over to this node resumes the login another node challenged.
        HazelcastChallenges pendingChallenges = new HazelcastChallenges(instance.getMap(HazelcastChallenges.CHALLENGES),
                instance.getMap(HazelcastChallenges.TAKEN), vault);
        challenges = pendingChallenges;
        sharedChallenges = context.registerService(SharedChallenges.class, pendingChallenges, null);
        // Clients that sign: requireMessageAuthenticator = auto holds a gateway to it on every node at once.
        sharedMessageAuthenticators = context.registerService(SharedMessageAuthenticators.class,
                new HazelcastMessageAuthenticators(instance.getMap(HazelcastMessageAuthenticators.RECEIVED)), null);
        membership = context.registerService(ClusterMembership.class, new HazelcastMembership(node,
                instance.getCluster(), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers().size()),
                null);
        LOG.info("Cluster node {} up with members {}", node, instance.getCluster().getMembers());
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        ConfigurationAdminConfigs configs = local;
        String key = configs == null ? null : configs.keyOf(event.getPid(), event.getFactoryPid());
        ConfigMirror current = mirror;
        if (key != null && current != null) {
            worker.execute(() -> current.localChanged(key));
        }
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
        leave();
    }

    /** Embedded member: static TCP/IP join, one interface, small thread pools (an appliance, not a data grid). */
    static Config hazelcastConfig(ClusterSettings settings) {
        Config config = new Config();
        config.setInstanceName("radmfa-" + settings.nodeName());
        config.setClusterName(settings.clusterName());
        config.setClassLoader(ClusterNode.class.getClassLoader());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.io.thread.count", "1");
        config.setProperty("hazelcast.operation.thread.count", "1");
        config.setProperty("hazelcast.response.thread.count", "1");
        // Threads an appliance's few small maps do not need: health and slow-operation reports, metrics collection.
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.slow.operation.detector.enabled", "false");
        config.getMetricsConfig().setEnabled(false);
        config.setProperty("hazelcast.operation.generic.thread.count", "1");
        config.setProperty("hazelcast.event.thread.count", "1");
        config.setProperty("hazelcast.clientengine.thread.count", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.getJetConfig().setEnabled(false);
        config.getSerializationConfig().setJavaSerializationFilterConfig(SerializationAllowList.filter());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        config.getMapConfig(MAP_NAME).setBackupCount(2).setMergePolicyConfig(afterSplit());
        config.getMapConfig("radmfa-*").setMergePolicyConfig(afterSplit());
        return config;
    }

    /**
     * When a split heals, an entry only the smaller side has is added and, for one both sides have, the larger side's
     * is kept (Hazelcast's default, named so that no upgrade changes it). It does not decide which configuration edit
     * wins: entries are sealed, so Hazelcast cannot compare their versions; every node runs ConfigMirror.reconcile
     * after a merge and republishes its edit when it is newer. The other maps end as the union of both sides (used
     * codes, challenges) or hold short-lived entries (claims, outcomes; the digest key is read again at each use).
     */
    private static MergePolicyConfig afterSplit() {
        return new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE);
    }
}
