package org.passerelle.contracts.xml;

import jakarta.xml.bind.annotation.adapters.XmlAdapter;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** Binds {@code xs:date} (without offset, as the schemas require) to {@link LocalDate}. */
public final class LocalDateAdapter extends XmlAdapter<String, LocalDate> {

    @Override
    public LocalDate unmarshal(String lexical) {
        return lexical == null ? null : LocalDate.parse(lexical.strip(), DateTimeFormatter.ISO_LOCAL_DATE);
    }

    @Override
    public String marshal(LocalDate value) {
        return value == null ? null : DateTimeFormatter.ISO_LOCAL_DATE.format(value);
    }
}
