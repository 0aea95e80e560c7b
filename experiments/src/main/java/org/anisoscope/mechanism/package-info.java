/**
 * Mechanism experiments that train nothing: {@link org.anisoscope.mechanism.UntrainedBlockExperiment} (behind
 * {@code experiments/untrained-block.sh}) adds a shared drift vector to the inputs of a freshly initialised BERT
 * block and measures what the drift does to the attention's sharpness and to the anisotropy of the output.
 */
package org.anisoscope.mechanism;
