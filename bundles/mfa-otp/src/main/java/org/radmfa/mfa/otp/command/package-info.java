/** Shell commands of the TOTP connector: enroll, remove, list. */
package org.radmfa.mfa.otp.command;
