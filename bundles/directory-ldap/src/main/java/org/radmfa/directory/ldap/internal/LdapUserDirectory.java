package org.radmfa.directory.ldap.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Credentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.CertificateCredentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;

/**
 * Primary authentication against one LDAP / Active Directory: search the user with the service account, refuse a
 * disabled AD account before any password check, check the password, then look the groups up once. A PAP password
 * is checked by a bind as the user (on a pool connection whose authentication is reverted to the service account at
 * once); an MS-CHAPv2 response, which only the domain can check, by winbind ({@link WinbindVerifier}), when
 * configured. Runs on a small bounded executor; a full queue, an unreachable server or any error that is not about
 * the user's credentials is {@link ReasonCode#DIRECTORY_UNAVAILABLE}, never an accept.
 */
final class LdapUserDirectory implements UserDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(LdapUserDirectory.class);
    private static final String USER_ACCOUNT_CONTROL = "userAccountControl";
    private static final String ACCOUNT_EXPIRES = "accountExpires";
    /** Constructed by AD on request: lockout (with the domain's lockout duration applied) as the DC sees it. */
    private static final String COMPUTED_ACCOUNT_CONTROL = "msDS-User-Account-Control-Computed";
    private static final String MEMBER_OF = "memberOf";
    private static final String CN = "cn";
    private static final String SAM_ACCOUNT_NAME = "sAMAccountName";
    /** Connections to a server other than the first are renewed after this, to move back once it returns. */
    private static final long FAILOVER_CONNECTION_AGE_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final LdapSettings settings;
    private final LDAPConnectionPool pool;
    private final ThreadPoolExecutor executor;
    /** Null when MS-CHAPv2 is not checked by the domain. */
    private final WinbindVerifier winbind;

    LdapUserDirectory(LdapSettings settings) {
        this.settings = settings;
        this.pool = createPool(settings);
        this.winbind = settings.winbind() == null ? null : new WinbindVerifier(settings.name(), settings.winbind());
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.poolSize(), settings.poolSize(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queueSize()), runnable -> {
                    Thread thread = new Thread(runnable, "radmfa-ldap-" + settings.name() + "-"
                            + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }) {
            @Override
            protected void terminated() {
                // After a graceful close, the pool and the helpers go when the last request is done.
                pool.close();
                if (winbind != null) {
                    winbind.close();
                }
            }
        };
        executor.allowCoreThreadTimeOut(true);
    }

    private static LDAPConnectionPool createPool(LdapSettings settings) {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(settings.connectTimeoutMillis());
        options.setResponseTimeoutMillis(settings.responseTimeoutMillis());
        options.setAbandonOnTimeout(true);
        options.setFollowReferrals(false);
        // A simple bind with a DN and no password is anonymous: the SDK refuses to send it (we check first too).
        options.setBindWithDNRequiresPassword(true);
        if (settings.sslContext() != null && !settings.trustAll()) {
            // Applies to LDAPS and to StartTLS alike: the certificate must name the host we connect to.
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        }
        String[] hosts = settings.servers().stream().map(LdapSettings.Server::host).toArray(String[]::new);
        int[] ports = settings.servers().stream().mapToInt(LdapSettings.Server::port).toArray();
        FailoverServerSet servers = new FailoverServerSet(hosts, ports,
                settings.security() == LdapSettings.Security.LDAPS
                        ? settings.sslContext().getSocketFactory() : null, options);
        servers.setMaxFailoverConnectionAgeMillis(FAILOVER_CONNECTION_AGE_MILLIS);
        StartTLSPostConnectProcessor startTls = settings.security() == LdapSettings.Security.STARTTLS
                ? new StartTLSPostConnectProcessor(settings.sslContext()) : null;
        try {
            // No connection yet (initial 0): activation does no I/O and succeeds while the directory is down.
            // StartTLS runs before the service account's bind.
            LDAPConnectionPool pool = new LDAPConnectionPool(servers,
                    new SimpleBindRequest(settings.bindDn(), settings.bindPassword()), 0, settings.poolSize(), 1,
                    startTls, false);
            pool.setConnectionPoolName("radmfa-ldap-" + settings.name());
            // A stale connection (idle timeout, server restart) is replaced and the search retried once. Binds are
            // not retried: a user's password must not be tried twice against the lockout counter.
            pool.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH));
            return pool;
        } catch (LDAPException e) {
            throw new IllegalStateException("cannot create the connection pool of directory " + settings.name(), e);
        }
    }

    @Override
    public String name() {
        return settings.name();
    }

    LdapSettings settings() {
        return settings;
    }

    @Override
    public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
        CompletionStage<PrimaryAuthResult> result = submit(request);
        return result != null ? result : CompletableFuture.completedFuture(
                unavailable("directory " + name() + " is stopped"));
    }

    /**
     * A group named by its cn under the group base: the name policies use for LDAP groups. Any failure (server
     * unreachable, time limit) is "cannot tell": a policy is then loaded with a warning, not refused.
     */
    @Override
    public GroupLookup findGroup(String group) {
        SearchRequest search = new SearchRequest(settings.groupBaseDn(), SearchScope.SUB,
                LdapQueries.groupFilter(group), CN);
        search.setSizeLimit(1);
        search.setTimeLimitSeconds(timeLimitSeconds());
        try {
            return pool.search(search).getEntryCount() > 0 ? GroupLookup.FOUND : GroupLookup.NOT_FOUND;
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return GroupLookup.FOUND;
            }
            LOG.warn("Directory {} could not look up group '{}': {}", name(), group, e.getExceptionMessage());
            return GroupLookup.CANNOT_TELL;
        }
    }

    /** AD only: the group whose {@code objectSid} is this SID, by its {@code cn}. */
    @Override
    public java.util.Optional<String> groupNameForSid(String sid) {
        Filter filter;
        try {
            filter = LdapQueries.groupBySidFilter(sid);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
        SearchRequest search = new SearchRequest(settings.groupBaseDn(), SearchScope.SUB, filter, CN);
        search.setSizeLimit(1);
        search.setTimeLimitSeconds(timeLimitSeconds());
        try {
            List<SearchResultEntry> found = pool.search(search).getSearchEntries();
            return found.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.ofNullable(found.get(0).getAttributeValue(CN));
        } catch (LDAPSearchException e) {
            LOG.warn("Directory {} could not look up group SID {}: {}", name(), sid, e.getExceptionMessage());
            return java.util.Optional.empty();
        }
    }

    /**
     * Reads the base entry through the pool, as the service account, within the directory's time limit: what every
     * login needs first (a connection, a bind, a search), so that a health check sees what users would see.
     */
    @Override
    public Optional<String> unreachable() {
        SearchRequest base = new SearchRequest(settings.baseDn(), SearchScope.BASE, Filter.createPresenceFilter(
                "objectClass"), SearchRequest.NO_ATTRIBUTES);
        base.setTimeLimitSeconds(timeLimitSeconds());
        try {
            pool.search(base);
            return Optional.empty();
        } catch (LDAPSearchException e) {
            return Optional.of(e.getResultCode() + ": " + e.getExceptionMessage());
        }
    }

    /** The request's answer to come, or null if this directory was closed (replaced or stopped) and took nothing. */
    CompletionStage<PrimaryAuthResult> submit(AuthenticationRequest request) {
        Credentials credentials = request.credentials();
        if (credentials instanceof CertificateCredentials) {
            // EAP-TLS verified the certificate; as NPS, find the account it names and its groups, without a bind.
            LOG.trace("LDAP directory {}: certificate user '{}'", name(), request.userName());
        } else if (credentials instanceof MsChapV2PasswordChange change) {
            if (winbind == null) {
                return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(
                        ReasonCode.UNSUPPORTED_AUTH_METHOD, "an MS-CHAPv2 password change needs msChapV2 = winbind"
                                + " in LDAP directory " + name())
                        .withReplyAttributes(change.response().failureAttributes(ReasonCode.UNSUPPORTED_AUTH_METHOD)));
            }
        } else if (credentials instanceof MsChapV2Credentials msChap) {
            if (winbind == null) {
                return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(
                        ReasonCode.UNSUPPORTED_AUTH_METHOD, credentials.method() + " is not enabled for LDAP"
                                + " directory " + name() + " (a bind needs the clear password; set msChapV2 = winbind"
                                + " to have the domain check MS-CHAPv2)")
                        .withReplyAttributes(msChap.failureAttributes(ReasonCode.UNSUPPORTED_AUTH_METHOD)));
            }
        } else if (!(credentials instanceof PapCredentials pap)) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.UNSUPPORTED_AUTH_METHOD,
                    credentials.method() + " is not supported by LDAP directory " + name()
                            + " (a bind needs the clear password: PAP, or EAP-TTLS/PAP)"));
        } else if (pap.password().isEmpty()) {
            // Never bind with it: an empty-password simple bind is anonymous and "succeeds".
            return CompletableFuture.completedFuture(PrimaryAuthResult.rejected(ReasonCode.AUTHENTICATION_FAILED,
                    "empty password for user '" + request.userName() + "'"));
        }
        if (request.userName().isBlank()) {
            PrimaryAuthResult unknown = PrimaryAuthResult.rejected(ReasonCode.UNKNOWN_USER, "empty User-Name");
            MsChapV2Credentials msChap = msChapV2(credentials);
            return CompletableFuture.completedFuture(msChap != null
                    ? unknown.withReplyAttributes(msChap.failureAttributes(unknown.reason())) : unknown);
        }
        Job job = new Job(request.userName(), credentials);
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            if (executor.isShutdown()) {
                return null;
            }
            job.result.complete(unavailable("directory " + name() + " is overloaded: " + executor.getQueue().size()
                    + " requests waiting"));
        }
        return job.result;
    }

    /** One request's LDAP work and the stage its caller holds; without a password, a certificate's user: no bind. */
    private final class Job implements Runnable {
        final CompletableFuture<PrimaryAuthResult> result = new CompletableFuture<>();
        private final String login;
        private final Credentials credentials;

        Job(String login, Credentials credentials) {
            this.login = login;
            this.credentials = credentials;
        }

        @Override
        public void run() {
            PrimaryAuthResult answer;
            try {
                answer = authenticateNow(login, credentials);
            } catch (LDAPException e) {
                answer = unavailable(login, e);
            } catch (RuntimeException e) {
                LOG.error("LDAP directory {}: unexpected failure for user '{}'", name(), login, e);
                answer = unavailable("directory " + name() + " failed: " + e);
            }
            MsChapV2Credentials msChap = msChapV2(credentials);
            if (!answer.accepted() && msChap != null) {
                // The peer learns the domain's reason as MS-CHAP-Error (691, 647, 648, 646, 709). An expired
                // password may be changed through the domain (648 R=1), once: not in answer to a change.
                boolean offerChange = credentials instanceof MsChapV2Credentials;
                answer = answer.withReplyAttributes(msChap.failureAttributes(answer.reason(), offerChange));
            }
            result.complete(answer);
        }
    }

    private PrimaryAuthResult authenticateNow(String login, Credentials credentials) throws LDAPException {
        Lookup found = findUser(login);
        if (found.matches() == 0) {
            return PrimaryAuthResult.rejected(ReasonCode.UNKNOWN_USER,
                    "no user '" + login + "' in LDAP directory " + name());
        }
        if (found.matches() > 1) {
            return PrimaryAuthResult.rejected(ReasonCode.UNKNOWN_USER, "login '" + login + "' matches more than"
                    + " one entry in directory " + name() + ": make userFilter select one user");
        }
        SearchResultEntry entry = found.entry();
        if (LdapQueries.disabled(entry.getAttributeValue(USER_ACCOUNT_CONTROL))) {
            return PrimaryAuthResult.rejected(ReasonCode.ACCOUNT_DISABLED, "user '" + login + "' ("
                    + entry.getDN() + ") is disabled (userAccountControl ACCOUNTDISABLE) in directory " + name());
        }
        byte[] passwordHashHash = null;
        if (credentials instanceof CertificateCredentials) {
            // The certificate was verified by EAP-TLS: no bind, no password. Without a bind the domain never
            // checks the account's state, so what a bind would refuse (AD 701, 775) is checked here.
            LOG.debug("LDAP directory {}: user '{}' by certificate, no bind", name(), login);
            if (LdapQueries.expired(entry.getAttributeValue(ACCOUNT_EXPIRES), java.time.Instant.now())) {
                return PrimaryAuthResult.rejected(ReasonCode.ACCOUNT_EXPIRED, "user '" + login + "' ("
                        + entry.getDN() + ") has expired (accountExpires) in directory " + name());
            }
            if (LdapQueries.lockedOut(entry.getAttributeValue(COMPUTED_ACCOUNT_CONTROL))) {
                return PrimaryAuthResult.rejected(ReasonCode.ACCOUNT_LOCKED_OUT, "user '" + login + "' ("
                        + entry.getDN() + ") is locked out (msDS-User-Account-Control-Computed) in directory "
                        + name());
            }
        } else if (credentials instanceof PapCredentials pap) {
            PrimaryAuthResult refused = bind(login, entry, pap.password());
            if (refused != null) {
                return refused;
            }
        } else {
            WinbindVerifier.Verdict verdict = credentials instanceof MsChapV2PasswordChange change
                    ? changeByDomain(login, entry, change)
                    : checkByDomain(login, entry, (MsChapV2Credentials) credentials);
            if (!verdict.accepted()) {
                return PrimaryAuthResult.rejected(verdict.reason(), verdict.detail());
            }
            passwordHashHash = verdict.passwordHashHash();
        }
        String canonical = login;
        if (!settings.alternateLoginIdAttribute().isEmpty()) {
            canonical = entry.getAttributeValue(settings.alternateLoginIdAttribute());
            if (canonical == null || canonical.isBlank()) {
                // Falling back to the typed login could send the second factor to someone else's identity.
                return PrimaryAuthResult.rejected(ReasonCode.UNKNOWN_USER, "user '" + login + "' (" + entry.getDN()
                        + ") has no " + settings.alternateLoginIdAttribute()
                        + ", the alternate login ID of directory " + name());
            }
        }
        Set<String> groups = groups(entry);
        User user = new User(canonical, groups, name(), AccountDialIn.of(entry));
        PrimaryAuthResult accepted = credentials instanceof MsChapV2PasswordChange
                ? new PrimaryAuthResult(ReasonCode.ACCEPTED, user, "expired password changed by the domain and the"
                        + " new one verified (" + name() + ")")
                : PrimaryAuthResult.accepted(user);
        MsChapV2Credentials msChap = msChapV2(credentials);
        return msChap != null ? accepted.withReplyAttributes(msChap.successAttributes(login, passwordHashHash))
                : accepted;
    }

    /** The MS-CHAPv2 response of a login or of a password change (made with the new password), or null. */
    private static MsChapV2Credentials msChapV2(Credentials credentials) {
        if (credentials instanceof MsChapV2PasswordChange change) {
            return change.response();
        }
        return credentials instanceof MsChapV2Credentials msChap ? msChap : null;
    }

    /** The refusal of a simple bind as the user, or null when the password is right. */
    private PrimaryAuthResult bind(String login, SearchResultEntry entry, String password) throws LDAPException {
        try {
            // Bind and revert: the pool connection is re-bound as the service account before it is released.
            pool.bindAndRevertAuthentication(new SimpleBindRequest(entry.getDN(), password));
            return null;
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                LdapQueries.BindFailure failure = LdapQueries.invalidCredentials(login, e.getDiagnosticMessage());
                return PrimaryAuthResult.rejected(failure.reason(), failure.detail() + " in directory " + name());
            }
            throw e;
        }
    }

    /**
     * The domain's word on an MS-CHAPv2 response, asked through winbind for the entry's sAMAccountName (so that a
     * login by UPN works too). The challenge is hashed with the name the peer typed, as the peer did.
     */
    private WinbindVerifier.Verdict checkByDomain(String login, SearchResultEntry entry,
            MsChapV2Credentials credentials) {
        String account = entry.getAttributeValue(SAM_ACCOUNT_NAME);
        if (account == null || !NtlmServerProtocol.safeValue(account)) {
            return new WinbindVerifier.Verdict(ReasonCode.UNKNOWN_USER, null, "user '" + login + "' ("
                    + entry.getDN() + ") has no usable sAMAccountName in directory " + name()
                    + ": only Active Directory accounts can use MS-CHAPv2");
        }
        return winbind.verify(account, credentials.challengeHash(login), credentials.ntResponse());
    }

    /**
     * An MS-CHAPv2 password change through winbind, then the Change-Password's NT-Response checked with the new
     * password as a login is: the NT key for the reply comes from that check, and a peer that did not know the new
     * password it sent (a corrupted blob) is not accepted.
     */
    private WinbindVerifier.Verdict changeByDomain(String login, SearchResultEntry entry,
            MsChapV2PasswordChange change) {
        String account = entry.getAttributeValue(SAM_ACCOUNT_NAME);
        if (account == null || !NtlmServerProtocol.safeValue(account)) {
            return new WinbindVerifier.Verdict(ReasonCode.UNKNOWN_USER, null, "user '" + login + "' ("
                    + entry.getDN() + ") has no usable sAMAccountName in directory " + name()
                    + ": only Active Directory accounts can change their password by MS-CHAPv2");
        }
        WinbindVerifier.Verdict changed = winbind.changePassword(account, change.encryptedPassword(),
                change.encryptedHash());
        if (!changed.accepted()) {
            return changed;
        }
        WinbindVerifier.Verdict verified = checkByDomain(login, entry, change.response());
        return verified.accepted() ? new WinbindVerifier.Verdict(ReasonCode.ACCEPTED, verified.passwordHashHash(),
                changed.detail() + "; " + verified.detail()) : verified;
    }

    /** What the user search found: no entry, one (given), or more than one. */
    private record Lookup(int matches, SearchResultEntry entry) {
    }

    private Lookup findUser(String login) throws LDAPException {
        List<String> attributes = new ArrayList<>(List.of(USER_ACCOUNT_CONTROL, ACCOUNT_EXPIRES,
                COMPUTED_ACCOUNT_CONTROL, CN));
        attributes.addAll(AccountDialIn.ATTRIBUTES);
        if (winbind != null) {
            attributes.add(SAM_ACCOUNT_NAME);
        }
        if (!settings.alternateLoginIdAttribute().isEmpty()) {
            attributes.add(settings.alternateLoginIdAttribute());
        }
        if (settings.groupMode() == LdapSettings.GroupMode.MEMBER_OF) {
            attributes.add(MEMBER_OF);
        }
        SearchRequest search = new SearchRequest(settings.baseDn(), SearchScope.SUB,
                LdapQueries.userFilter(settings.userFilter(), login), attributes.toArray(String[]::new));
        search.setSizeLimit(2);
        search.setTimeLimitSeconds(timeLimitSeconds());
        try {
            // AD answers a search at the domain root with continuation references too: they are not entries.
            List<SearchResultEntry> entries = pool.search(search).getSearchEntries();
            return new Lookup(entries.size(), entries.size() == 1 ? entries.get(0) : null);
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return new Lookup(2, null);
            }
            throw e;
        }
    }

    /** The user's groups (names: cn), direct and nested, looked up once per request. */
    private Set<String> groups(SearchResultEntry user) throws LDAPException {
        return switch (settings.groupMode()) {
            case IN_CHAIN -> inChainGroups(user.getDN());
            case MEMBER_OF -> expand(user.getAttributeValues(MEMBER_OF), this::parentsByMemberOf);
            case MEMBER -> expand(parentsByMember(List.of(user.getDN())), this::parentsByMember);
        };
    }

    private Set<String> inChainGroups(String userDn) throws LDAPException {
        SearchRequest search = new SearchRequest(settings.groupBaseDn(), SearchScope.SUB,
                LdapQueries.inChainFilter(userDn), CN);
        search.setTimeLimitSeconds(timeLimitSeconds());
        Set<String> names = new HashSet<>();
        for (SearchResultEntry group : pool.search(search).getSearchEntries()) {
            String cn = group.getAttributeValue(CN);
            names.add(cn != null ? cn : LdapQueries.groupName(group.getDN()));
        }
        return names;
    }

    @FunctionalInterface
    private interface Parents {
        /** The DNs of the groups the given entries are direct members of. */
        List<String> of(List<String> dns) throws LDAPException;
    }

    /**
     * Breadth-first walk up the membership graph for servers without the in-chain rule: each level costs at most
     * one round trip per group (memberOf) or one search (member). Stops after groupNestingDepth levels; a group
     * seen before (a cycle, or a diamond) is not walked again.
     */
    private Set<String> expand(String[] direct, Parents parents) throws LDAPException {
        return expand(direct == null ? List.of() : List.of(direct), parents);
    }

    private Set<String> expand(List<String> direct, Parents parents) throws LDAPException {
        Set<DN> seen = new HashSet<>();
        Set<String> names = new LinkedHashSet<>();
        List<String> level = new ArrayList<>();
        for (String dn : direct) {
            if (seen.add(new DN(dn))) {
                level.add(dn);
                names.add(LdapQueries.groupName(dn));
            }
        }
        for (int depth = 1; depth <= settings.groupNestingDepth() && !level.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            for (String dn : parents.of(level)) {
                if (seen.add(new DN(dn))) {
                    next.add(dn);
                    names.add(LdapQueries.groupName(dn));
                }
            }
            level = next;
        }
        if (!level.isEmpty()) {
            LOG.debug("LDAP directory {}: group nesting deeper than {} levels not followed", name(),
                    settings.groupNestingDepth());
        }
        return names;
    }

    private List<String> parentsByMemberOf(List<String> groupDns) throws LDAPException {
        List<String> parents = new ArrayList<>();
        for (String groupDn : groupDns) {
            SearchRequest read = new SearchRequest(groupDn, SearchScope.BASE, Filter.present("objectClass"),
                    MEMBER_OF);
            read.setTimeLimitSeconds(timeLimitSeconds());
            try {
                for (SearchResultEntry group : pool.search(read).getSearchEntries()) {
                    String[] values = group.getAttributeValues(MEMBER_OF);
                    if (values != null) {
                        parents.addAll(List.of(values));
                    }
                }
            } catch (LDAPSearchException e) {
                if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
                    throw e;
                }
                // A dangling memberOf value (group deleted meanwhile): no parents.
            }
        }
        return parents;
    }

    private List<String> parentsByMember(List<String> dns) throws LDAPException {
        SearchRequest search = new SearchRequest(settings.groupBaseDn(), SearchScope.SUB,
                LdapQueries.memberFilter(dns), SearchRequest.NO_ATTRIBUTES);
        search.setTimeLimitSeconds(timeLimitSeconds());
        return pool.search(search).getSearchEntries().stream().map(SearchResultEntry::getDN).toList();
    }

    private int timeLimitSeconds() {
        return Math.max(1, (settings.responseTimeoutMillis() + 999) / 1000);
    }

    private PrimaryAuthResult unavailable(String login, LDAPException e) {
        String detail = "directory " + name() + " unavailable for user '" + login + "': " + e.getResultCode()
                + (e.getDiagnosticMessage() == null ? "" : " (" + e.getDiagnosticMessage() + ")");
        LOG.warn("LDAP {}", detail);
        return unavailable(detail);
    }

    private static PrimaryAuthResult unavailable(String detail) {
        return PrimaryAuthResult.rejected(ReasonCode.DIRECTORY_UNAVAILABLE, detail);
    }

    /**
     * Stops taking requests. Graceful: requests already taken finish, then the pool closes. Otherwise waiting
     * requests complete as unavailable and the pool closes now, which fails the ones in progress.
     */
    void close(boolean graceful) {
        if (graceful) {
            executor.shutdown();
            return;
        }
        for (Runnable pending : executor.shutdownNow()) {
            ((Job) pending).result.complete(unavailable("directory " + name() + " was stopped"));
        }
        pool.close();
        if (winbind != null) {
            winbind.close();
        }
    }
}
