package org.passerelle.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;
import org.springframework.http.HttpStatus;

/** The contracts' and security library's refusals keep their code and answer with that code's one status. */
class FaultsTest {

    @Test
    void aContractRefusalKeepsItsCodeAndItsStatus() {
        GatewayException e = Faults.from(new ContractViolationException(ContractErrorCode.XML_TOO_LARGE, "too large"));

        assertThat(e.code()).isEqualTo(ContractErrorCode.XML_TOO_LARGE);
        assertThat(e.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    }

    @Test
    void aSecurityRefusalKeepsItsCodeAndItsStatus() {
        GatewayException e = Faults.from(new SecurityCheckException(SecurityErrorCode.SIGNATURE_INVALID, "forged"));

        assertThat(e.code()).isEqualTo(SecurityErrorCode.SIGNATURE_INVALID);
        assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(e.details()).containsExactly("forged");
    }

    @Test
    void anythingElseIsAnInternalErrorWithoutItsText() {
        GatewayException e = Faults.from(new IllegalStateException("the envelope could not be written as XML"));

        assertThat(e.code()).isEqualTo(GatewayErrorCode.INTERNAL_ERROR);
        assertThat(e.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo("Internal error");
    }
}
