package org.passerelle.gateway.exchange.inbound;

/**
 * A partner's CMS body, handed from the partner port to the inbox once: taking it leaves nothing behind, so that the
 * bytes can be collected as soon as they are decrypted rather than being held by the port, the route and the inbox
 * while the message is read (for a 16 MB body, 16 MB less at the costliest moment).
 */
final class HandedOverBody {

    private byte[] bytes;

    HandedOverBody(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The bytes; a second call fails, nothing being held any more. */
    synchronized byte[] take() {
        byte[] taken = bytes;
        if (taken == null) {
            throw new IllegalStateException("the body was taken already");
        }
        bytes = null;
        return taken;
    }

    @Override
    public String toString() {
        return "HandedOverBody"; // never the bytes
    }
}
