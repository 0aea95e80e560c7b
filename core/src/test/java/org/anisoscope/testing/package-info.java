/** Test support shared by the core tests (and, through the test jar, the other modules' tests). */
package org.anisoscope.testing;
