package org.passerelle.gateway.agreement;

import java.util.List;

/**
 * A check another feature makes on an agreement before it is put in force or proposed (the data-sharing policy knows
 * the data categories, the agreement does not): everything wrong with it, each as one sentence.
 */
public interface AgreementCheck {

    List<String> problems(Scheme scheme);
}
