/** Shell commands of the Entra connector: set-up and step-by-step check. */
package org.radmfa.mfa.entra.command;
