package org.radmfa.mfa.entra.internal;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The XML of the Entra MFA connector service ({@code StrongAuthenticationService.svc/Connector}), as the NPS
 * extension for Entra MFA speaks it. Microsoft does not document this protocol; the element names and their order are
 * those the extension and the public tools that imitate it send, and the response shapes those they read:
 *
 * <pre>
 * &lt;BeginTwoWayAuthenticationRequest&gt; Version, UserPrincipalName, Lcid, [AuthenticationMethodId],
 *     AuthenticationMethodProperties (a:KeyValueOfstringstring, a = ...Serialization/Arrays), ContextId, SyncCall,
 *     RequireUserMatch, CallerName, CallerIP
 * &lt;EndTwoWayAuthenticationRequest&gt; Version, SessionId, ContextId, AdditionalAuthData, UserPrincipalName
 * &lt;BeginTwoWayAuthenticationResponse&gt; / &lt;EndTwoWayAuthenticationResponse&gt;
 *     Result/Value, Result/Message, SessionId, AuthenticationResult (true, false, challenge or i:nil),
 *     UserPrincipalName, AffinityUrl, and elements this connector does not need (ignored)
 * </pre>
 *
 * Every value is escaped. Responses are read with the JDK's StAX parser with DTDs and external entities off and a
 * depth limit, so a hostile or broken answer is refused, never expanded.
 */
final class ConnectorXml {
    static final String ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    static final String INSTANCE_NS = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    private static final int MAX_DEPTH = 16;
    private static final int MAX_LENGTH = 64 * 1024;
    private static final XMLInputFactory INPUT = secureFactory();

    private ConnectorXml() {
    }

    /** What Begin asks for. */
    record Begin(String userPrincipalName, String lcid, String authenticationMethodId,
            Map<String, String> methodProperties, String contextId, boolean syncCall, boolean requireUserMatch,
            String callerName, String callerIp) {
    }

    /**
     * A Begin or End answer.
     *
     * @param resultValue {@code Result/Value}: Success, AuthenticationPending, PhoneAppDenied, ...
     * @param authenticationResult "true", "false", "challenge", or null when nil or absent
     */
    record Response(String root, String resultValue, String resultMessage, String sessionId,
            String authenticationResult, String userPrincipalName, String affinityUrl) {
    }

    static String begin(Begin begin) {
        StringBuilder xml = new StringBuilder(512).append("<BeginTwoWayAuthenticationRequest>");
        element(xml, "Version", "1.0");
        element(xml, "UserPrincipalName", begin.userPrincipalName());
        element(xml, "Lcid", begin.lcid());
        if (begin.authenticationMethodId() != null && !begin.authenticationMethodId().isEmpty()) {
            element(xml, "AuthenticationMethodId", begin.authenticationMethodId());
        }
        xml.append("<AuthenticationMethodProperties xmlns:a=\"").append(ARRAYS_NS).append("\">");
        begin.methodProperties().forEach((key, value) -> {
            xml.append("<a:KeyValueOfstringstring>");
            element(xml, "a:Key", key);
            element(xml, "a:Value", value);
            xml.append("</a:KeyValueOfstringstring>");
        });
        xml.append("</AuthenticationMethodProperties>");
        element(xml, "ContextId", begin.contextId());
        element(xml, "SyncCall", Boolean.toString(begin.syncCall()));
        element(xml, "RequireUserMatch", Boolean.toString(begin.requireUserMatch()));
        element(xml, "CallerName", begin.callerName());
        element(xml, "CallerIP", begin.callerIp());
        return xml.append("</BeginTwoWayAuthenticationRequest>").toString();
    }

    /** @param additionalAuthData a typed one-time code, or null (sent as nil) while polling a push */
    static String end(String sessionId, String contextId, String additionalAuthData, String userPrincipalName) {
        StringBuilder xml = new StringBuilder(384).append("<EndTwoWayAuthenticationRequest xmlns:i=\"")
                .append(INSTANCE_NS).append("\">");
        element(xml, "Version", "1.0");
        element(xml, "SessionId", sessionId);
        element(xml, "ContextId", contextId);
        if (additionalAuthData == null) {
            xml.append("<AdditionalAuthData i:nil=\"true\"/>");
        } else {
            element(xml, "AdditionalAuthData", additionalAuthData);
        }
        element(xml, "UserPrincipalName", userPrincipalName);
        return xml.append("</EndTwoWayAuthenticationRequest>").toString();
    }

    private static void element(StringBuilder xml, String name, String value) {
        xml.append('<').append(name).append('>');
        escape(xml, value == null ? "" : value);
        xml.append("</").append(name).append('>');
    }

    /** XML 1.0 escaping; characters XML 1.0 cannot carry at all become U+FFFD. */
    static void escape(StringBuilder xml, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                default -> xml.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF
                        ? '\uFFFD' : c);
            }
        }
    }

    static String escape(String text) {
        StringBuilder xml = new StringBuilder(text.length() + 8);
        escape(xml, text);
        return xml.toString();
    }

    /**
     * Reads a Begin or End answer: the children of the root (and of its {@code Result}) by local name, whatever their
     * namespace prefix; unknown elements are skipped.
     *
     * @throws IllegalArgumentException when it is not such an answer (the message says why, without the body)
     */
    static Response parse(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("empty answer");
        }
        if (body.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("answer of " + body.length() + " characters, more than " + MAX_LENGTH);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String root = null;
        try {
            XMLStreamReader reader = INPUT.createXMLStreamReader(new StringReader(body));
            try {
                int depth = 0;
                String[] path = new String[MAX_DEPTH + 1];
                StringBuilder text = new StringBuilder();
                boolean nil = false;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.DTD) {
                        throw new IllegalArgumentException("a DTD in the answer");
                    } else if (event == XMLStreamConstants.START_ELEMENT) {
                        if (++depth > MAX_DEPTH) {
                            throw new IllegalArgumentException("elements nested deeper than " + MAX_DEPTH);
                        }
                        path[depth] = reader.getLocalName();
                        if (depth == 1) {
                            root = reader.getLocalName();
                        }
                        nil = "true".equals(reader.getAttributeValue(INSTANCE_NS, "nil"));
                        text.setLength(0);
                    } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                        text.append(reader.getText());
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        String key = depth == 2 ? path[2] : depth == 3 && "Result".equals(path[2]) ? "Result/"
                                + path[3] : null;
                        if (key != null && !fields.containsKey(key)) {
                            fields.put(key, nil ? null : text.toString().trim());
                        }
                        nil = false;
                        text.setLength(0);
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.endsWith("TwoWayAuthenticationResponse")) {
            throw new IllegalArgumentException("root element " + root + " is not a TwoWayAuthenticationResponse");
        }
        String value = fields.get("Result/Value");
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(root + " without Result/Value");
        }
        return new Response(root, value, fields.get("Result/Message"), emptyToNull(fields.get("SessionId")),
                emptyToNull(fields.get("AuthenticationResult")), emptyToNull(fields.get("UserPrincipalName")),
                emptyToNull(fields.get("AffinityUrl")));
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The JDK's own StAX implementation (not whatever the OSGi framework offers), hardened. */
    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}
