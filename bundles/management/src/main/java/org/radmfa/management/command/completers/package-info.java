/** Tab completion for the radmfa commands: names of clients, users, policies and groups, setting keys. */
package org.radmfa.management.command.completers;
