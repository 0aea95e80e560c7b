package org.anisoscope.config;

/** {@code anisoscope.train.*}. */
public record TrainSettings(int epochs, int stepsPerEpoch, int batchSize, double lr, double minLr, int warmupSteps,
    double weightDecay, boolean decayEmbeddings, double beta1, double beta2, double gradClip, int evalEvery, int evalBatches, int logEvery,
    int checkpointEvery, int sampleTokens, double sampleTemperature) {

  static TrainSettings read(Keys k) {
    double lr = k.doubleIn("anisoscope.train.lr", 0.0, 10.0);
    double minLr = k.doubleIn("anisoscope.train.min-lr", 0.0, 10.0);
    if (minLr > lr) {
      throw k.invalid("anisoscope.train.min-lr", "at most train.lr = " + lr);
    }
    return new TrainSettings(
        k.intIn("anisoscope.train.epochs", 1, 100_000),
        k.intIn("anisoscope.train.steps-per-epoch", 0, Integer.MAX_VALUE),
        k.intIn("anisoscope.train.batch-size", 1, 1 << 20),
        lr, minLr,
        k.intIn("anisoscope.train.warmup-steps", 0, Integer.MAX_VALUE),
        k.doubleIn("anisoscope.train.weight-decay", 0.0, 10.0),
        k.bool("anisoscope.train.decay-embeddings"),
        k.doubleIn("anisoscope.train.beta1", 0.0, 0.999999),
        k.doubleIn("anisoscope.train.beta2", 0.0, 0.999999),
        k.doubleIn("anisoscope.train.grad-clip", 0.0, 1e9),
        k.intIn("anisoscope.train.eval-every", 0, Integer.MAX_VALUE),
        k.intIn("anisoscope.train.eval-batches", 1, 100_000),
        k.intIn("anisoscope.train.log-every", 1, Integer.MAX_VALUE),
        k.intIn("anisoscope.train.checkpoint-every", 0, Integer.MAX_VALUE),
        k.intIn("anisoscope.train.sample-tokens", 0, 1_000_000),
        k.doubleIn("anisoscope.train.sample-temperature", 1e-3, 100.0));
  }
}
