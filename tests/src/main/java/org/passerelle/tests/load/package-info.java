/** The end-to-end load benchmark: two node processes, a back-end offering load, figures per offered rate. */
package org.passerelle.tests.load;
