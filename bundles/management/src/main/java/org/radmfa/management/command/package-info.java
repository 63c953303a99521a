/** Karaf shell commands of scope {@code radmfa}: small annotated actions over the appliance's services. */
package org.radmfa.management.command;
