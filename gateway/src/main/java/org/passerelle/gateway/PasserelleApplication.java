package org.passerelle.gateway;

import org.passerelle.gateway.node.OutOfMemoryExit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts one party's gateway node. */
@SpringBootApplication
public class PasserelleApplication {

    public static void main(String[] args) {
        OutOfMemoryExit.install();
        SpringApplication.run(PasserelleApplication.class, args);
    }
}
