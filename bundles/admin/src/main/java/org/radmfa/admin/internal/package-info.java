/**
 * The admin services over ConfigurationAdmin. Each definition is a factory configuration backed by its file
 * {@code etc/<factoryPid>-<alias>.cfg}: the file is written first (atomically, comments kept), then the configuration
 * is updated with {@code felix.fileinstall.filename} pointing at it, as Karaf's own ConfigRepository does, so that
 * Felix FileInstall treats the two as one and a restart reads back what was set.
 */
package org.radmfa.admin.internal;
