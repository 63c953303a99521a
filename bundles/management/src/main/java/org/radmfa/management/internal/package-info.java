/** What the commands need besides the appliance's services: a small RADIUS client for test-auth. */
package org.radmfa.management.internal;
