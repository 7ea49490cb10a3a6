/** Adapters that bind the schemas' date and time types to {@code java.time} in the generated classes. */
package org.passerelle.contracts.xml;
