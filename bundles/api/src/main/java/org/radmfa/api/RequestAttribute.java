package org.radmfa.api;

/**
 * One attribute of a request, decoded with the dictionary. Hidden attributes (User-Password) never appear here.
 *
 * @param vendorId 0 for standard attributes, the IANA enterprise number for vendor-specific ones (311 Microsoft)
 * @param type the attribute type within its vendor's space
 * @param name the dictionary name, e.g. "NAS-Identifier" or "MS-RAS-Vendor"
 * @param value the dictionary rendering of the value
 */
public record RequestAttribute(int vendorId, int type, String name, String value) {
}
