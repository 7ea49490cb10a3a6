package org.passerelle.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.tests.support.BiometricSets;
import org.passerelle.tests.support.Envelopes;

/**
 * The scheme scenario's casework messages, built from the contract's valid samples for one case (the same edits as the
 * casework integration tests make: case reference, dates, outcome).
 */
final class SchemeMessages {

    private SchemeMessages() {
    }

    /** A fresh case reference of this party and family (RA, AD), matching the contract's pattern. */
    static String caseReference(String party, String family) {
        return party + "-" + family + "-" + LocalDate.now(ZoneOffset.UTC).getYear() + "-"
                + String.format("%06d", ThreadLocalRandom.current().nextInt(100_000, 999_999));
    }

    /** A readmission request GB → FR for this case and arrival; {@code flag} (an element name) set to true if given. */
    /** A readmission request carrying the person's tenprint card (rolled fingers, plain thumbs, slaps). */
    static byte[] readmissionRequest(String ref, String conversation, Instant arrivedAt, String flag) {
        String xml = text(BiometricSets.withTransaction(Envelopes.sample("ReadmissionRequest", "GB", "FR", conversation),
                BiometricSets.TENPRINT_CARD));
        xml = set(xml, "ra:CaseReference", ref);
        xml = setAny(xml, "ArrivedAt", arrivedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        LocalDate arrival = LocalDate.ofInstant(arrivedAt, ZoneOffset.UTC);
        xml = setAny(xml, "ScreenedOn", arrival.toString());
        xml = setAny(xml, "ProposedTransferDate", arrival.plusDays(20).toString());
        if (flag != null) {
            xml = setAny(xml, flag, "true");
        }
        return bytes(xml);
    }

    static byte[] readmissionDecision(String ref, String conversation, String outcome) {
        String xml = text(Envelopes.sample("ReadmissionDecision", "FR", "GB", conversation));
        xml = set(xml, "ra:CaseReference", ref);
        xml = set(xml, "ra:Decision", outcome);
        xml = set(xml, "ra:Exceptional", "false");
        xml = set(xml, "ra:DecidedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if ("ACCEPTED".equals(outcome)) {
            xml = xml.replaceAll("\\s*<ra:ReasonCode>[^<]*</ra:ReasonCode>", "");
        }
        return bytes(xml);
    }

    /** A transfer status GB → FR dated today (so that a completed transfer counts in this week's ledger). */
    static byte[] transferStatus(String ref, String conversation, String status) {
        String xml = text(Envelopes.sample("TransferStatus", "GB", "FR", conversation));
        xml = set(xml, "ra:CaseReference", ref);
        xml = set(xml, "ra:Status", status);
        xml = xml.replaceAll("\\s*<ra:ReasonCode>[^<]*</ra:ReasonCode>", "");
        xml = set(xml, "ra:TransferDate", LocalDate.now(ZoneOffset.UTC).toString());
        return bytes(xml);
    }

    /** A referral for this case of another person than the one returned: one finger, the repository's other print. */
    static byte[] referral(String ref) {
        return BiometricSets.withTransaction(referralOfReturnedPerson(ref), BiometricSets.otherPerson());
    }

    /** A referral for this case of the person returned in the scenario, captured again: slaps, not the rolled card. */
    static byte[] referralOfReturnedPerson(String ref) {
        return bytes(set(text(Envelopes.sample("AdmissionReferral", "FR", "GB")), "adm:CaseReference", ref));
    }

    static byte[] ineligible(String ref) {
        String xml = set(text(Envelopes.sample("EligibilityResult", "GB", "FR")), "adm:CaseReference", ref);
        xml = xml.replaceAll("\\s*<adm:ReasonCode>[A-Z_]+</adm:ReasonCode>", "");
        return bytes(xml.replace("<adm:Result>INELIGIBLE</adm:Result>",
                "<adm:Result>INELIGIBLE</adm:Result><adm:ReasonCode>PREVIOUSLY_RETURNED</adm:ReasonCode>"));
    }

    static byte[] eligible(String ref) {
        String xml = set(text(Envelopes.sample("EligibilityResult", "GB", "FR")), "adm:CaseReference", ref);
        xml = xml.replaceAll("\\s*<adm:ReasonCode>[A-Z_]+</adm:ReasonCode>", "");
        xml = xml.replace("<adm:Result>INELIGIBLE</adm:Result>", "<adm:Result>ELIGIBLE</adm:Result>");
        return bytes(xml);
    }

    static byte[] admissionDecision(String ref) {
        return bytes(set(text(Envelopes.sample("AdmissionDecision", "GB", "FR")), "adm:CaseReference", ref));
    }

    /** An arrival confirmed now (so that it counts in this week's ledger). */
    static byte[] arrival(String ref) {
        String xml = set(text(Envelopes.sample("ArrivalConfirmation", "GB", "FR")), "adm:CaseReference", ref);
        return bytes(set(xml, "adm:ArrivedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
    }

    /** The text of the first element with this qualified name, or null. */
    static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    private static String set(String xml, String element, String value) {
        Matcher m = Pattern.compile("<" + element + ">[^<]*</" + element + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + element + " in the sample");
        }
        return xml.substring(0, m.start()) + "<" + element + ">" + value + "</" + element + ">" + xml.substring(m.end());
    }

    /** Sets the first {@code ra:NAME} or {@code cs:NAME} element. */
    private static String setAny(String xml, String name, String value) {
        Matcher m = Pattern.compile("(<(?:ra|cs):" + name + ">)([^<]*)(</(?:ra|cs):" + name + ">)").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name + " in the sample");
        }
        return xml.substring(0, m.start(2)) + value + xml.substring(m.end(2));
    }

    private static String text(byte[] xml) {
        return new String(xml, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}
