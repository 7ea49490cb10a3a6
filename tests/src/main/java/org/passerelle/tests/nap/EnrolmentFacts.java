package org.passerelle.tests.nap;

import java.time.LocalDate;
import java.util.Objects;
import java.util.regex.Pattern;
import org.passerelle.contracts.biometric.v1.EurodacCategory;

/**
 * The facts of one Eurodac-style registration that a hit on its subject reports, each in the form the biometric
 * contract requires of a {@code Hit}.
 *
 * @param memberStateOfOrigin the registering member state, ISO 3166-1 alpha-2 (e.g. {@code IT})
 * @param category            the Eurodac category of the registration
 * @param registeredOn        when the prints were registered
 * @param placeOfRegistration where, in words (1 to 100 characters, no control characters)
 * @param referenceNumber     the Eurodac reference number: member state code and 10 to 20 digits
 */
public record EnrolmentFacts(String memberStateOfOrigin, EurodacCategory category, LocalDate registeredOn,
                             String placeOfRegistration, String referenceNumber) {

    private static final Pattern PARTY = Pattern.compile("[A-Z]{2}");
    private static final Pattern PLACE = Pattern.compile("[^\\p{Cc}]{1,100}");
    private static final Pattern EURODAC_REFERENCE = Pattern.compile("[A-Z]{2}[0-9]{10,20}");

    public EnrolmentFacts {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(registeredOn, "registeredOn");
        require(memberStateOfOrigin, PARTY, "memberStateOfOrigin must be an ISO 3166-1 alpha-2 code");
        require(placeOfRegistration, PLACE, "placeOfRegistration must be 1 to 100 characters without control characters");
        require(referenceNumber, EURODAC_REFERENCE, "referenceNumber must be a member state code and 10 to 20 digits");
    }

    private static void require(String value, Pattern pattern, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(rule);
        }
    }
}
