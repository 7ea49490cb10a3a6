package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.PARTY_MISMATCH;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Reads the party (and officer or system identity) a certificate is bound to from its
 * SubjectAlternativeName URIs; see the package documentation for the scheme.
 */
public final class PartyBinding {

    public static final String PARTY_URI_PREFIX = "urn:passerelle:party:";
    public static final String OFFICER_URI_PREFIX = "urn:passerelle:officer:";
    public static final String SYSTEM_URI_PREFIX = "urn:passerelle:system:";
    public static final String ROLE_URI_PREFIX = "urn:passerelle:role:";

    private static final Pattern PARTY_CODE = Pattern.compile("[A-Z]{2}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int SAN_URI = 6;

    private PartyBinding() {
    }

    /** The party code the certificate is bound to; refuses with {@link SecurityErrorCode#PARTY_MISMATCH} if none or several. */
    public static String partyOf(X509Certificate certificate) {
        return identityOf(certificate).party();
    }

    /** The full identity stated by the certificate's party, officer, system and role URIs. */
    public static PartyIdentity identityOf(X509Certificate certificate) {
        Set<String> parties = new TreeSet<>();
        Set<String> roles = new TreeSet<>();
        String officer = null;
        String system = null;
        for (String uri : sanUris(certificate)) {
            if (uri.startsWith(PARTY_URI_PREFIX)) {
                parties.add(partyCode(uri.substring(PARTY_URI_PREFIX.length())));
            } else if (uri.startsWith(OFFICER_URI_PREFIX)) {
                officer = onlyOne(officer, name(uri.substring(OFFICER_URI_PREFIX.length())));
            } else if (uri.startsWith(SYSTEM_URI_PREFIX)) {
                String[] parts = uri.substring(SYSTEM_URI_PREFIX.length()).split(":", -1);
                if (parts.length != 2) {
                    throw new SecurityCheckException(PARTY_MISMATCH, "system URI is not urn:passerelle:system:<party>:<name>");
                }
                parties.add(partyCode(parts[0]));
                system = onlyOne(system, name(parts[1]));
            } else if (uri.startsWith(ROLE_URI_PREFIX)) {
                roles.add(name(uri.substring(ROLE_URI_PREFIX.length())));
            }
        }
        for (RDN rdn : X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.C)) {
            parties.add(partyCode(IETFUtils.valueToString(rdn.getFirst().getValue())));
        }
        if (parties.size() != 1) {
            throw new SecurityCheckException(PARTY_MISMATCH, parties.isEmpty()
                    ? "certificate is bound to no party" : "certificate names several parties " + parties);
        }
        if (officer != null && system != null) {
            throw new SecurityCheckException(PARTY_MISMATCH, "certificate names both an officer and a system");
        }
        String party = parties.iterator().next();
        if (officer != null) {
            return new PartyIdentity(party, PartyIdentity.Kind.OFFICER, officer, roles);
        }
        if (system != null) {
            return new PartyIdentity(party, PartyIdentity.Kind.SYSTEM, system, roles);
        }
        return new PartyIdentity(party, PartyIdentity.Kind.GATEWAY, party, roles);
    }

    /** The SubjectAlternativeName URIs of the certificate, as written. */
    public static List<String> subjectAlternativeUris(X509Certificate certificate) {
        return sanUris(certificate);
    }

    /** Whether the text is a well-formed party code (two upper-case letters). */
    public static boolean isPartyCode(String code) {
        return code != null && PARTY_CODE.matcher(code).matches();
    }

    private static List<String> sanUris(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new SecurityCheckException(PARTY_MISMATCH, "subject alternative names cannot be read", e);
        }
        if (names == null) {
            return List.of();
        }
        return names.stream()
                .filter(name -> name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0)))
                .map(name -> String.valueOf(name.get(1)))
                .toList();
    }

    private static String partyCode(String code) {
        if (!isPartyCode(code)) {
            throw new SecurityCheckException(PARTY_MISMATCH, "malformed party code in certificate");
        }
        return code;
    }

    private static String name(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new SecurityCheckException(PARTY_MISMATCH, "malformed officer, system or role name in certificate");
        }
        return name;
    }

    private static String onlyOne(String existing, String value) {
        if (existing != null && !existing.equals(value)) {
            throw new SecurityCheckException(PARTY_MISMATCH, "certificate names two officers or systems");
        }
        return value;
    }
}
