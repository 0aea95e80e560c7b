package org.anisoscope.control;

import org.anisoscope.config.Keys;
import org.anisoscope.config.Settings;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * {@code control.type = lstm}: a character-level (or any-token) LSTM language model of DL4J's standard layers: one
 * {@code LSTM} layer (tanh) per entry of {@code control.lstm.hidden}, stacked, on one-hot tokens, then an
 * {@code RnnOutputLayer} (softmax, cross-entropy over the vocabulary) predicting the next token at every time step.
 * Unidirectional, so causal like the decoder it controls for. Adam with decoupled weight decay on the framework's
 * warm-up + cosine schedule, as {@link CnnControl}. The probe reads each LSTM layer's hidden state at every time
 * step ({@link ActivationVectors}: {@code [B, hidden, T]} → {@code B·T} vectors), as the Transformer's residual
 * stream at every position.
 */
public final class LstmControl {
  public static final String TYPE = "lstm";

  private LstmControl() {
  }

  /** Checks the {@code control.lstm} keys. */
  public static void validate(Settings s) {
    hidden(s.keys());
  }

  private static List<Integer> hidden(Keys k) {
    List<Integer> h;
    try {
      h = k.config().getIntList("anisoscope.control.lstm.hidden");
    } catch (com.typesafe.config.ConfigException e) {
      throw k.invalid("anisoscope.control.lstm.hidden", "a list of 1 to 8 LSTM widths, e.g. [128, 128]");
    }
    if (h.isEmpty() || h.size() > 8 || h.stream().anyMatch(x -> x < 1 || x > 8192)) {
      throw k.invalid("anisoscope.control.lstm.hidden", "a list of 1 to 8 LSTM widths in [1, 8192]");
    }
    return h;
  }

  /** The network for a vocabulary of {@code vocab} tokens, initialised. */
  public static MultiLayerNetwork build(Settings s, int vocab, long totalSteps) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(s.run().seed())
        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(Adam.builder().learningRateSchedule(ControlRun.schedule(s.train(), totalSteps))
            .beta1(s.train().beta1()).beta2(s.train().beta2()).epsilon(1e-8).build())
        .weightDecay(s.train().weightDecay())    // decoupled (AdamW), on weights only as for the Transformer
        .list();
    for (int h : hidden(s.keys())) {
      b.layer(new LSTM.Builder().nOut(h).activation(Activation.TANH).build());
    }
    b.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(vocab).activation(Activation.SOFTMAX)
        .build());
    MultiLayerConfiguration conf = b.setInputType(InputType.recurrent(vocab)).build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
