/** Shell command of the proxy: the remote RADIUS server groups and the state of their servers. */
package org.radmfa.proxy.command;
