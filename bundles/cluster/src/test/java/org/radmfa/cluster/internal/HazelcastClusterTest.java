package org.radmfa.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.SecretVault;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Three real Hazelcast members on 127.0.0.1, joined by static TCP/IP as the appliance configures them, each with a
 * mirror over its own configurations: an edit on one reaches the others; a member sealing with another vault key
 * joins the Hazelcast cluster but cannot change anybody's configuration.
 */
class HazelcastClusterTest {
    private static final String POLICY = "org.radmfa.policy-vpn";
    private static final List<Member> MEMBERS = new ArrayList<>();
    private static final SecretVault VAULT = new TestVault((byte) 7);

    private record Member(HazelcastInstance hazelcast, MemoryConfigs configs, ConfigMirror mirror,
            ExecutorService worker) {
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Member start(String name, int port, List<String> members, SecretVault vault) {
        ClusterSettings settings = new ClusterSettings(name, "127.0.0.1", port, members, "radmfa-test",
                List.of("org.radmfa.policy"), List.of());
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(ClusterNode.hazelcastConfig(settings));
        MemoryConfigs configs = new MemoryConfigs();
        HazelcastStore store = new HazelcastStore(hazelcast.getMap(ClusterNode.MAP_NAME), vault);
        ConfigMirror mirror = new ConfigMirror(name, configs, store, null);
        // As in ClusterNode: every change handled on one thread per node, in arrival order.
        ExecutorService worker = Executors.newSingleThreadExecutor();
        configs.listen(key -> worker.execute(() -> mirror.localChanged(key)));
        store.listen(entry -> worker.execute(() -> mirror.remoteChanged(entry)));
        worker.execute(mirror::reconcile);
        return new Member(hazelcast, configs, mirror, worker);
    }

    @BeforeAll
    static void startThreeMembers() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        List<String> addresses = ports.stream().map(port -> "127.0.0.1:" + port).toList();
        SecretVault vault = VAULT;
        List<CompletableFuture<Member>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            starting.add(CompletableFuture.supplyAsync(() -> start("node" + (index + 1), ports.get(index), addresses,
                    vault)));
        }
        for (CompletableFuture<Member> member : starting) {
            MEMBERS.add(member.join());
        }
        await("three members", Duration.ofSeconds(60),
                () -> MEMBERS.stream().allMatch(m -> m.hazelcast().getCluster().getMembers().size() == 3));
    }

    @AfterAll
    static void stop() {
        MEMBERS.forEach(member -> {
            member.worker().shutdownNow();
            member.hazelcast().shutdown();
        });
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /**
     * The shared maps' calls are bounded (500 ms for a one-time code, then the node's own guard applies): each test
     * starts once no partition is migrating (a test's extra member may just have left) and the maps exist on every
     * member, or a slow machine times a first call out and the test sees the fallback, not the cluster.
     */
    @org.junit.jupiter.api.BeforeEach
    void clusterSettled() throws Exception {
        await("no partition migrating", Duration.ofSeconds(60), () -> MEMBERS.stream()
                .allMatch(m -> m.hazelcast().getPartitionService().isClusterSafe()));
        for (Member member : MEMBERS) {
            for (String map : List.of(HazelcastOneTimeCodes.USED, HazelcastChallenges.CHALLENGES,
                    HazelcastChallenges.TAKEN, HazelcastMfaLogins.CLAIMS, HazelcastMessageAuthenticators.RECEIVED)) {
                member.hazelcast().getMap(map).get("warm-up");
            }
            // As a node does when it joins: the digest key exists before the first code is checked.
            HazelcastOneTimeCodes codes = HazelcastOneTimeCodes.on(member.hazelcast(), "warm-up", VAULT);
            codes.prepareKey();
            codes.close();
            new ClusterDigestKey(member.hazelcast().getMap(ClusterDigestKey.KEYS), HazelcastMfaLogins.DIGEST_PURPOSE,
                    VAULT).prepare();
        }
    }

    @Test
    void anEditOnOneMemberReachesTheOthersAndAForeignKeyChangesNothing() throws Exception {
        MEMBERS.get(0).configs().edit(POLICY, Map.of("name", "VPN", "order", "10", "access", "grant"));
        await("node2 and node3 have the policy", Duration.ofSeconds(30), () -> MEMBERS.stream()
                .allMatch(m -> "grant".equals(value(m, "access"))));

        MEMBERS.get(2).configs().edit(POLICY, Map.of("name", "VPN", "order", "10", "access", "deny"));
        await("the change made on node3 everywhere", Duration.ofSeconds(30), () -> MEMBERS.stream()
                .allMatch(m -> "deny".equals(value(m, "access"))));

        // A member that joins the Hazelcast cluster without the vault key cannot change a configuration.
        Member stranger = start("stranger", freePort(), List.of("127.0.0.1:" + MEMBERS.get(0).hazelcast()
                .getCluster().getLocalMember().getAddress().getPort()), new TestVault((byte) 9));
        try {
            await("the stranger joined", Duration.ofSeconds(60),
                    () -> MEMBERS.get(0).hazelcast().getCluster().getMembers().size() == 4);
            assertNull(stranger.configs().read(POLICY), "it cannot read the shared configurations either");
            stranger.configs().edit(POLICY, Map.of("name", "VPN", "order", "10", "access", "grant"));
            // Its entry is in the map (it can write Hazelcast); a later edit by a real node proves every node has
            // processed the map since, and the stranger's grant was never applied.
            MEMBERS.get(1).configs().edit(POLICY, Map.of("name", "VPN", "order", "10", "access", "deny",
                    "enabled", "true"));
            await("node2's edit everywhere", Duration.ofSeconds(30), () -> MEMBERS.stream()
                    .allMatch(m -> "true".equals(value(m, "enabled"))));
            MEMBERS.forEach(m -> assertEquals("deny", value(m, "access")));
        } finally {
            stranger.worker().shutdownNow();
            stranger.hazelcast().shutdown();
        }
    }

    private static String value(Member member, String key) {
        Map<String, String> properties = member.configs().read(POLICY);
        return properties == null ? null : properties.get(key);
    }

    private static HazelcastMfaLogins logins(Member member) {
        return HazelcastMfaLogins.on(member.hazelcast(), VAULT, java.time.Clock.systemUTC());
    }

    @Test
    void aLoginPendingOnOneMemberIsJoinedOnAnotherAndOnlyItsOwnOutcomeAnswers() throws Exception {
        HazelcastMfaLogins first = logins(MEMBERS.get(0));
        HazelcastMfaLogins second = logins(MEMBERS.get(1));
        Duration deadline = Duration.ofSeconds(20);
        String login = "alice|203.0.113.7";
        try {
            assertTrue(first.claim(login, deadline).isEmpty(), "node1 asks the connector");
            java.util.concurrent.CompletableFuture<MfaOutcome> joined = second.claim(login, deadline).orElseThrow()
                    .toCompletableFuture();
            first.completed(login, MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved by push"));
            assertEquals(MfaOutcome.Kind.APPROVED, joined.get(30, java.util.concurrent.TimeUnit.SECONDS).kind());

            // The next login of the same user and address: the old approval stays in the map, but answers only its
            // own claim; the joiner gets this login's outcome.
            assertTrue(first.claim(login, deadline).isEmpty());
            java.util.concurrent.CompletableFuture<MfaOutcome> next = second.claim(login, deadline).orElseThrow()
                    .toCompletableFuture();
            first.completed(login, MfaOutcome.of(MfaOutcome.Kind.DENIED, "denied by push"));
            assertEquals(MfaOutcome.Kind.DENIED, next.get(30, java.util.concurrent.TimeUnit.SECONDS).kind());

            // A claim held by a node that is not a member (it died) is taken over instead of waited for.
            String ghostLogin = "bob|198.51.100.9";
            MEMBERS.get(0).hazelcast().<String, String>getMap(HazelcastMfaLogins.CLAIMS).put(first.key(ghostLogin),
                    VAULT.seal(ghostLogin + "\nghost|00|" + System.currentTimeMillis()));
            assertTrue(second.claim(ghostLogin, deadline).isEmpty(), "node2 asks itself");
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * Any host that reaches the Hazelcast port can list the maps' keys: the claims and outcomes are keyed by a digest
     * only the nodes can compute, never by who logs in from where; two members still share the login.
     */
    @Test
    void theClaimAndOutcomeMapsDoNotNameWhoLogsInFromWhere() throws Exception {
        HazelcastMfaLogins first = logins(MEMBERS.get(0));
        HazelcastMfaLogins second = logins(MEMBERS.get(1));
        Duration deadline = Duration.ofSeconds(20);
        String login = "dave|203.0.113.8";
        com.hazelcast.map.IMap<String, String> claims = MEMBERS.get(2).hazelcast().getMap(HazelcastMfaLogins.CLAIMS);
        com.hazelcast.map.IMap<String, String> outcomes = MEMBERS.get(2).hazelcast()
                .getMap(HazelcastMfaLogins.OUTCOMES);
        try {
            assertTrue(first.claim(login, deadline).isEmpty(), "node1 asks the connector");
            assertTrue(claims.size() > 0);
            assertTrue(claims.keySet().stream().noneMatch(key -> key.contains("dave") || key.contains("203.0.113")),
                    claims.keySet().toString());
            java.util.concurrent.CompletableFuture<MfaOutcome> joined = second.claim(login, deadline).orElseThrow()
                    .toCompletableFuture();
            first.completed(login, MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved by push"));
            assertEquals(MfaOutcome.Kind.APPROVED, joined.get(30, java.util.concurrent.TimeUnit.SECONDS).kind());
            assertTrue(outcomes.containsKey(first.key(login)), "delivered through the map, under the digest");
            assertTrue(outcomes.keySet().stream().noneMatch(key -> key.contains("dave") || key.contains("203.0.113")),
                    outcomes.keySet().toString());
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * A node that restarts within the MFA deadline comes back with the same name, but its claims died with it: the
     * others take such a login over at once instead of waiting for an outcome that will never come.
     */
    @Test
    void aClaimOfANodeThatRestartedIsTakenOverAtOnce() throws Exception {
        String login = "carol|192.0.2.44";
        Duration deadline = Duration.ofMinutes(5);
        List<String> seed = List.of("127.0.0.1:" + MEMBERS.get(0).hazelcast().getCluster().getLocalMember()
                .getAddress().getPort());
        Member before = start("node4", freePort(), seed, VAULT);
        try {
            await("node4 joined", Duration.ofSeconds(60), () -> clusterSize() == 4);
            HazelcastMfaLogins claimedBefore = logins(before);
            assertTrue(claimedBefore.claim(login, deadline).isEmpty(), "node4 asks the connector");
            claimedBefore.close();
        } finally {
            before.worker().shutdownNow();
            before.hazelcast().shutdown();
        }
        await("node4 gone", Duration.ofSeconds(60), () -> clusterSize() == 3);
        Member after = start("node4", freePort(), seed, VAULT);
        HazelcastMfaLogins first = logins(MEMBERS.get(0));
        try {
            await("node4 back", Duration.ofSeconds(60), () -> clusterSize() == 4);
            await("no partition migrating", Duration.ofSeconds(60), () -> MEMBERS.get(0).hazelcast()
                    .getPartitionService().isClusterSafe());
            assertTrue(MEMBERS.get(0).hazelcast().getMap(HazelcastMfaLogins.CLAIMS).containsKey(first.key(login)),
                    "the dead node's claim is still in the map");
            assertTrue(first.claim(login, deadline).isEmpty(), "node1 takes the dead claim over");
        } finally {
            first.close();
            after.worker().shutdownNow();
            after.hazelcast().shutdown();
        }
    }

    private static int clusterSize() {
        return MEMBERS.get(0).hazelcast().getCluster().getMembers().size();
    }

    /** A TOTP step used on one member is refused by the other two; the map holds its digest, not the use. */
    /** requireMessageAuthenticator = auto: a client seen signing on one member is known on the others. */
    @Test
    void aClientSeenSigningOnOneMemberIsKnownOnTheOthers() throws Exception {
        List<HazelcastMessageAuthenticators> nodes = new ArrayList<>();
        for (Member member : MEMBERS) {
            nodes.add(new HazelcastMessageAuthenticators(member.hazelcast()
                    .getMap(HazelcastMessageAuthenticators.RECEIVED)));
        }
        java.time.Instant first = java.time.Instant.parse("2026-12-05T06:00:00Z");
        assertTrue(nodes.get(1).lookup("gw-signing").toCompletableFuture().get().isEmpty());
        nodes.get(0).publish("gw-signing", first);
        await("the other members know gw-signing", Duration.ofSeconds(30), () -> nodes.stream().allMatch(node -> {
            try {
                return node.lookup("gw-signing").toCompletableFuture().get().orElse(null) != null;
            } catch (Exception e) {
                return false;
            }
        }));
        assertEquals(first, nodes.get(2).lookup("gw-signing").toCompletableFuture().get().orElseThrow());
        assertTrue(nodes.get(1).lookup("gw-unsigned").toCompletableFuture().get().isEmpty());
    }

    @Test
    void membershipListsTheMembersSeenAgainstTheConfiguredOnes() {
        HazelcastMembership membership = new HazelcastMembership("node1", MEMBERS.get(0).hazelcast().getCluster(), 3);
        assertEquals("node1", membership.localNode());
        assertEquals(3, membership.configuredMembers());
        List<String> seen = membership.members();
        assertEquals(3, seen.size(), seen.toString());
        assertTrue(seen.stream().allMatch(member -> member.startsWith("127.0.0.1:")), seen.toString());
    }

    @Test
    void aOneTimeCodeUsedOnOneMemberIsRefusedOnTheOthers() throws Exception {
        List<HazelcastOneTimeCodes> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            codes.add(HazelcastOneTimeCodes.on(MEMBERS.get(i).hazelcast(), "node" + (i + 1), VAULT));
        }
        try {
            String use = "totp\nalice\n" + System.nanoTime();
            assertTrue(codes.get(1).firstUse(use, Duration.ofMinutes(2)));
            assertFalse(codes.get(0).firstUse(use, Duration.ofMinutes(2)), "used on node2 first");
            assertFalse(codes.get(2).firstUse(use, Duration.ofMinutes(2)), "used on node2 first");
            assertFalse(codes.get(1).firstUse(use, Duration.ofMinutes(2)), "and on node2 itself");
            assertTrue(codes.get(2).firstUse(use + "1", Duration.ofMinutes(2)), "another step is another code");
            com.hazelcast.map.IMap<String, String> stored = MEMBERS.get(0).hazelcast()
                    .getMap(HazelcastOneTimeCodes.USED);
            assertTrue(stored.keySet().stream().noneMatch(key -> key.contains("alice")), stored.keySet().toString());
            assertTrue(stored.values().contains("node2"));
        } finally {
            codes.forEach(HazelcastOneTimeCodes::close);
        }
    }

    /**
     * Java serialization is filtered by an allow-list: an object of another class (here one that records being
     * deserialized, as a gadget's readObject would run its payload) is refused by every member, before it runs.
     */
    @Test
    void aClassOutsideTheAllowListIsRefusedAndSharedTextStillTravels() {
        com.hazelcast.map.IMap<String, Object> written = MEMBERS.get(0).hazelcast().getMap("radmfa-test-filter");
        com.hazelcast.map.IMap<String, Object> read = MEMBERS.get(1).hazelcast().getMap("radmfa-test-filter");
        written.put("gadget", new Gadget());
        RuntimeException refused = assertThrows(RuntimeException.class, () -> read.get("gadget"));
        assertTrue(causes(refused).anyMatch(SecurityException.class::isInstance), refused.toString());
        assertFalse(Gadget.deserialized, "the refused class's readObject never ran");
        written.put("text", "sealed values are text");
        assertEquals("sealed values are text", read.get("text"));
    }

    private static java.util.stream.Stream<Throwable> causes(Throwable thrown) {
        return java.util.stream.Stream.iterate(thrown, java.util.Objects::nonNull, Throwable::getCause);
    }

    /** Stands for a deserialization gadget: a class outside the allow-list whose readObject has an effect. */
    static final class Gadget implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean deserialized;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    /**
     * A host that can write Hazelcast's map but has no vault key cannot mark a user's code as used in advance: the
     * entry it computes (a digest of what it can guess: user and time step) is not the one the nodes look up.
     */
    @Test
    void aOneTimeCodeRecordForgedWithoutTheKeyDoesNotRefuseTheCode() throws Exception {
        List<HazelcastOneTimeCodes> codes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            codes.add(HazelcastOneTimeCodes.on(MEMBERS.get(i).hazelcast(), "node" + (i + 1), VAULT));
        }
        try {
            String use = "totp\nmallory-target\n" + System.nanoTime();
            String unkeyed = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("radmfa one-time code\n" + use).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            MEMBERS.get(2).hazelcast().<String, String>getMap(HazelcastOneTimeCodes.USED).put(unkeyed, "stranger");
            assertTrue(codes.get(0).firstUse(use, Duration.ofMinutes(2)), "the forged record does not count");
            assertFalse(codes.get(1).firstUse(use, Duration.ofMinutes(2)), "a real use still does, on every node");
        } finally {
            codes.forEach(HazelcastOneTimeCodes::close);
        }
    }

    /** The digest key: the same on every node, sealed in the map, replaced (everywhere) when it does not open. */
    @Test
    void theDigestKeyIsSharedSealedAndReplacedWhenItDoesNotOpen() {
        com.hazelcast.map.IMap<String, String> keys = MEMBERS.get(0).hazelcast().getMap(ClusterDigestKey.KEYS);
        ClusterDigestKey first = new ClusterDigestKey(keys, "test-purpose", VAULT);
        ClusterDigestKey second = new ClusterDigestKey(MEMBERS.get(1).hazelcast().getMap(ClusterDigestKey.KEYS),
                "test-purpose", VAULT);
        String digest = first.digest("alice");
        assertEquals(digest, second.digest("alice"));
        assertFalse(digest.equals(first.digest("bob")));
        SecretVault otherKey = new TestVault((byte) 9);
        assertThrows(IllegalArgumentException.class, () -> otherKey.open(keys.get("test-purpose")), "sealed");

        keys.put("test-purpose", otherKey.seal(java.util.Base64.getEncoder().encodeToString(new byte[32])));
        String replaced = second.digest("alice");
        assertFalse(digest.equals(replaced));
        assertEquals(replaced, first.digest("alice"));
        assertEquals(replaced, new ClusterDigestKey(keys, "test-purpose", VAULT).digest("alice"));
    }

    /** A challenge published on one member is taken once, on another; the map holds it sealed. */
    @Test
    void aChallengeMadeOnOneMemberIsTakenOnceOnAnother() throws Exception {
        HazelcastChallenges first = challenges(MEMBERS.get(0));
        HazelcastChallenges third = challenges(MEMBERS.get(2));
        try {
            byte[] state = randomState();
            first.offer(state, "challenge of alice", Duration.ofMinutes(1));
            com.hazelcast.map.IMap<String, String> stored = MEMBERS.get(1).hazelcast()
                    .getMap(HazelcastChallenges.CHALLENGES);
            await("the challenge in the map", Duration.ofSeconds(10), () -> published(state));
            assertTrue(stored.values().stream().noneMatch(value -> value.contains("alice")), "sealed");
            assertEquals(java.util.Optional.of("challenge of alice"), third.take(state));
            assertEquals(java.util.Optional.empty(), first.take(state), "taken once");
            byte[] other = randomState();
            first.offer(other, "another challenge", Duration.ofMinutes(1));
            await("the other challenge in the map", Duration.ofSeconds(10), () -> published(other));
            first.discard(other);
            await("the other challenge withdrawn", Duration.ofSeconds(10), () -> !published(other));
            assertEquals(java.util.Optional.empty(), third.take(other), "withdrawn, not taken");
        } finally {
            first.close();
            third.close();
        }
    }

    private static HazelcastChallenges challenges(Member member) {
        return new HazelcastChallenges(member.hazelcast().getMap(HazelcastChallenges.CHALLENGES),
                member.hazelcast().getMap(HazelcastChallenges.TAKEN), VAULT);
    }

    private static byte[] randomState() {
        byte[] state = new byte[16];
        new java.security.SecureRandom().nextBytes(state);
        return state;
    }

    private static boolean published(byte[] state) {
        return MEMBERS.get(1).hazelcast().getMap(HazelcastChallenges.CHALLENGES)
                .containsKey(HazelcastChallenges.key(state));
    }

    /**
     * The node that made a challenge answers from its own copy, but first withdraws the shared one and learns whether
     * another node took it: then it must refuse, so that a State answers once in the cluster.
     */
    @Test
    void aChallengeTakenOnAnotherMemberIsNotAnsweredAgainWhereItWasMade() throws Exception {
        HazelcastChallenges first = challenges(MEMBERS.get(0));
        HazelcastChallenges second = challenges(MEMBERS.get(1));
        try {
            byte[] state = randomState();
            first.offer(state, "challenge of alice", Duration.ofMinutes(1));
            await("the challenge in the map", Duration.ofSeconds(10), () -> published(state));
            assertEquals(java.util.Optional.of("challenge of alice"), second.take(state));
            assertFalse(first.withdraw(state), "taken on node2 first");

            byte[] answeredHere = randomState();
            first.offer(answeredHere, "challenge of bob", Duration.ofMinutes(1));
            await("the second challenge in the map", Duration.ofSeconds(10), () -> published(answeredHere));
            assertTrue(first.withdraw(answeredHere), "withdrawn by the node that made it, which answers it");
            assertEquals(java.util.Optional.empty(), second.take(answeredHere), "then no other node takes it");

            assertTrue(first.withdraw(randomState()), "one the cluster does not hold: the local copy stands");
        } finally {
            first.close();
            second.close();
        }
    }

    /** A host without the vault key cannot make a node refuse the answer to its own challenge. */
    @Test
    void aTakenMarkForgedWithoutTheKeyDoesNotWithdrawAChallenge() throws Exception {
        HazelcastChallenges first = challenges(MEMBERS.get(0));
        try {
            byte[] state = randomState();
            first.offer(state, "challenge of carol", Duration.ofMinutes(1));
            await("the challenge in the map", Duration.ofSeconds(10), () -> published(state));
            MEMBERS.get(2).hazelcast().<String, String>getMap(HazelcastChallenges.TAKEN)
                    .put(HazelcastChallenges.key(state), new TestVault((byte) 9).seal("taken"));
            assertTrue(first.withdraw(state));
        } finally {
            first.close();
        }
    }

    /** Withdrawn where it was made and taken elsewhere at the same instant: never both. */
    @Test
    void aChallengeWithdrawnAndTakenAtOnceAnswersOnce() throws Exception {
        HazelcastChallenges first = challenges(MEMBERS.get(0));
        HazelcastChallenges third = challenges(MEMBERS.get(2));
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                byte[] state = randomState();
                first.offer(state, "challenge " + i, Duration.ofMinutes(1));
                await("challenge " + i + " in the map", Duration.ofSeconds(10), () -> published(state));
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<Boolean> withdrawn = racers.submit(() -> {
                    start.await();
                    return first.withdraw(state);
                });
                java.util.concurrent.Future<Boolean> taken = racers.submit(() -> {
                    start.await();
                    return third.take(state).isPresent();
                });
                start.countDown();
                boolean answeredWhereMade = withdrawn.get(30, java.util.concurrent.TimeUnit.SECONDS);
                boolean answeredElsewhere = taken.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertFalse(answeredWhereMade && answeredElsewhere, "answered on both nodes");
            }
        } finally {
            racers.shutdownNow();
            first.close();
            third.close();
        }
    }
}
