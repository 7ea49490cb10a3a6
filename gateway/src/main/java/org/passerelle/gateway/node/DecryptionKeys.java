package org.passerelle.gateway.node;

import java.util.List;
import org.passerelle.security.KeyMaterial;

/**
 * Every key pair this node opens messages with, the current one first: during a rollover the next one too, and after
 * it the previous ones, for messages still in flight to them.
 *
 * @param all the current key, then the next, then the previous ones
 */
public record DecryptionKeys(List<KeyMaterial> all) {

    public DecryptionKeys {
        all = List.copyOf(all);
    }
}
