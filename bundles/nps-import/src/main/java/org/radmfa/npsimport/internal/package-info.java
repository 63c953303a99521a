/**
 * Reading a Windows NPS configuration export ({@code netsh nps export}) and turning it into the appliance's own
 * definitions: a safe XML reader, the export's object model, the condition grammar, the translation of each
 * object and the report of what could not be carried over.
 */
package org.radmfa.npsimport.internal;
