package org.passerelle.gateway.keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The KEKs of this node, the current one first, whichever store they came from: wraps under the current one and
 * unwraps under whichever a stored key names.
 */
public final class KeyEncryptionKeys implements KekProvider {

    private final Kek current;
    private final Map<String, Kek> byId = new LinkedHashMap<>();

    KeyEncryptionKeys(Kek current, List<Kek> others) {
        this.current = current;
        byId.put(current.id(), current);
        for (Kek other : others) {
            byId.putIfAbsent(other.id(), other);
        }
    }

    @Override
    public String currentKekId() {
        return current.id();
    }

    @Override
    public Set<String> kekIds() {
        return new LinkedHashSet<>(byId.keySet());
    }

    @Override
    public WrappedKey wrap(String dataKeyId, SecretKey dataKey) {
        return current.wrap(dataKeyId, dataKey);
    }

    @Override
    public SecretKey unwrap(String dataKeyId, String kekId, byte[] wrapped) {
        Kek kek = byId.get(kekId);
        if (kek == null) {
            throw Kek.unavailable("Data key " + dataKeyId + " is wrapped under KEK " + kekId
                    + ", which this node does not hold (it holds " + String.join(", ", byId.keySet())
                    + "): configure the party's KEK under passerelle.keys", null);
        }
        return kek.unwrap(dataKeyId, wrapped);
    }

    @Override
    public String description() {
        List<String> others = new ArrayList<>();
        byId.values().stream().filter(k -> k != current).forEach(k -> others.add(k.id() + " (" + k.source() + ")"));
        return current.id() + " (" + current.source() + ")" + (others.isEmpty() ? "" : ", also unwrapping with " + others);
    }
}
