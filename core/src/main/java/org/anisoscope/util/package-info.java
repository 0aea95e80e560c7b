/** Small shared pieces: the name → factory {@link org.anisoscope.util.Registry} and seed derivation. */
package org.anisoscope.util;
