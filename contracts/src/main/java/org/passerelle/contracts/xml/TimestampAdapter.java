package org.passerelle.contracts.xml;

import jakarta.xml.bind.annotation.adapters.XmlAdapter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Binds {@code xs:dateTime} to {@link OffsetDateTime}, always writing seconds and the offset (Z for UTC). */
public final class TimestampAdapter extends XmlAdapter<String, OffsetDateTime> {

    @Override
    public OffsetDateTime unmarshal(String lexical) {
        return lexical == null ? null : OffsetDateTime.parse(lexical.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    @Override
    public String marshal(OffsetDateTime value) {
        return value == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value);
    }
}
