package org.anisoscope.control;

import org.anisoscope.config.Keys;
import org.anisoscope.config.Settings;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * {@code control.type = cnn}: a small convolutional network of DL4J's standard layers for grey images (LeNet's
 * shape): for each of {@code control.cnn.channels}, a {@code kernel×kernel} convolution (ReLU, same padding)
 * and a 2×2 max-pooling; then a dense layer of {@code control.cnn.dense} ReLU units and a softmax output with
 * cross-entropy. Adam with decoupled weight decay ({@code train.lr} on the framework's warm-up + cosine schedule, {@code train.beta1/2},
 * {@code train.weight-decay}). The probe reads every layer but the output: convolution and pooling outputs as one
 * vector of channels per spatial position, the dense layer as one vector per image.
 */
public final class CnnControl {
  public static final String TYPE = "cnn";

  private CnnControl() {
  }

  /** Checks the {@code control.cnn} keys. */
  public static void validate(Settings s) {
    channels(s.keys());
    s.keys().intIn("anisoscope.control.cnn.kernel", 1, 15);
    s.keys().intIn("anisoscope.control.cnn.dense", 1, 65536);
  }

  private static List<Integer> channels(Keys k) {
    List<Integer> c;
    try {
      c = k.config().getIntList("anisoscope.control.cnn.channels");
    } catch (com.typesafe.config.ConfigException e) {
      throw k.invalid("anisoscope.control.cnn.channels", "a list of 1 to 4 channel counts, e.g. [32, 64]");
    }
    if (c.isEmpty() || c.size() > 4 || c.stream().anyMatch(x -> x < 1 || x > 4096)) {
      throw k.invalid("anisoscope.control.cnn.channels", "a list of 1 to 4 channel counts in [1, 4096]");
    }
    return c;
  }

  /** The network for {@code height×width} single-channel images and {@code classes} classes, initialised. */
  public static MultiLayerNetwork build(Settings s, int height, int width, int classes, long totalSteps) {
    Keys k = s.keys();
    int kernel = k.config().getInt("anisoscope.control.cnn.kernel");
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(s.run().seed())
        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(Adam.builder().learningRateSchedule(ControlRun.schedule(s.train(), totalSteps))
            .beta1(s.train().beta1()).beta2(s.train().beta2()).epsilon(1e-8).build())
        .weightDecay(s.train().weightDecay())    // decoupled (AdamW), on weights only as for the Transformer
        .list();
    for (int c : channels(k)) {
      b.layer(new ConvolutionLayer.Builder(kernel, kernel).nOut(c).stride(1, 1)
          .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.RELU).build());
      b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
          .build());
    }
    b.layer(new DenseLayer.Builder().nOut(k.config().getInt("anisoscope.control.cnn.dense"))
        .activation(Activation.RELU).build());
    b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX)
        .build());
    MultiLayerConfiguration conf = b.setInputType(InputType.convolutionalFlat(height, width, 1)).build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
