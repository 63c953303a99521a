/**
 * What the bundles that own factory configurations share around {@link org.radmfa.api.config.FactoryDefinitions}:
 * {@link org.radmfa.config.support.FactoryConfigurations}, the {@code ManagedServiceFactory} an owning component
 * registers itself (ConfigurationAdmin's updates in, refusals and ignored keys logged, deletions passed on), and
 * {@link org.radmfa.config.support.SealedInPlace}, which rewrites a configuration with a clear secret sealed by the
 * vault unless someone changed it meanwhile, and {@link org.radmfa.config.support.ConfigFiles}, which writes a
 * configuration to its etc/ file whole, so that FileInstall never reads half of it.
 *
 * <p>A library, not a service: it lives here rather than in the API bundle because it logs and uses OSGi types.
 */
@Export
@Version("1.2.0")
package org.radmfa.config.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
