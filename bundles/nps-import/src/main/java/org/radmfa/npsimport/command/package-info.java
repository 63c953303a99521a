/** The shell command {@code radmfa:nps-import}. */
package org.radmfa.npsimport.command;
