/** The gateway node's entry point; each feature lives in a sub-package of its own. */
package org.passerelle.gateway;
