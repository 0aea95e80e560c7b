/**
 * Controls built from DL4J's standard layers ({@code deeplearning4j-nn}, the same ND4J): a model that is not a
 * Transformer, trained on the same data and split, probed by the same metric code into the same run-directory
 * files, so reports and comparisons treat it like any run. {@link org.anisoscope.control.ControlRun} is generic
 * (any {@code MultiLayerNetwork} on any {@link org.anisoscope.control.ControlData});
 * {@link org.anisoscope.control.CnnControl} is its first user ({@code control.type = cnn}).
 */
package org.anisoscope.control;
