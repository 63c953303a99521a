package org.radmfa.api.admin;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Adds, changes, reorders and removes network policies and connection request policies. */
@ProviderType
public interface PolicyAdmin {

    /** The stored policies of one kind, in processing order. */
    List<PolicyEntry> policies(PolicyKind kind) throws AdminException;

    /** The policy with this name (case ignored). */
    Optional<PolicyEntry> policy(PolicyKind kind, String name) throws AdminException;

    /**
     * Adds a policy, or replaces the policy with this name.
     *
     * @throws InvalidDefinitionException when a setting does not validate, or the name or order is taken
     */
    PolicyEntry put(PolicySettings settings) throws AdminException;

    /**
     * Checks a policy as {@link #put} would, against the stored policies, and stores nothing.
     *
     * @throws InvalidDefinitionException when {@link #put} would refuse it
     * @since 1.1
     */
    void check(PolicySettings settings) throws AdminException;

    PolicyEntry setEnabled(PolicyKind kind, String name, boolean enabled) throws AdminException;

    /**
     * Moves a policy to a position in processing order (1 = evaluated first), changing processing orders as little
     * as needed; the other policies keep their relative order.
     *
     * @return the policies of this kind in their new processing order
     */
    List<PolicyEntry> move(PolicyKind kind, String name, int position) throws AdminException;

    /** @return false when there was no such policy */
    boolean remove(PolicyKind kind, String name) throws AdminException;
}
