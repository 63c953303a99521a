/** Shell command of the RadSec listener: its address, connections and counters. */
package org.radmfa.radsec.command;
