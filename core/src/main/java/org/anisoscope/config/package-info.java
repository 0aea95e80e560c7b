/**
 * Configuration: defaults only in {@code reference.conf}; {@link org.anisoscope.config.ConfigLoader} loads an
 * experiment file over them, applies {@code key=value} overrides and refuses unknown keys (naming the closest
 * known one); {@link org.anisoscope.config.Settings} reads and validates every framework key at start-up, so a
 * bad config fails with one line before anything is built or written.
 */
package org.anisoscope.config;
