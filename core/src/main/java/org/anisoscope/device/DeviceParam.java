package org.anisoscope.device;

/**
 * One parameter of {@link DeviceModel} on its device: the values, the gradient accumulator, AdamW's two moments and
 * the weight-decay mask (1 where decay applies; per element, as the CPU optimizer's flat mask), each a buffer of
 * {@link #length} floats. The moments and the mask exist from {@link DeviceModel#optimizer}, else null.
 */
public final class DeviceParam {
  private final String name;
  private final long[] shape;
  private final boolean decay;
  private final boolean embedding;
  private final double std; // normal init (0: constant init, see ones)
  private final boolean ones;
  final Device.Buf value;
  final Device.Buf grad;
  Device.Buf m;
  Device.Buf v;
  Device.Buf mask;

  DeviceParam(Device device, String name, long[] shape, boolean decay, boolean embedding, double std, boolean ones) {
    this.name = name;
    this.shape = shape.clone();
    this.decay = decay;
    this.embedding = embedding;
    this.std = std;
    this.ones = ones;
    this.value = device.alloc(length());
    this.grad = device.alloc(length());
  }

  public String name() {
    return name;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long length() {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  /** Whether AdamW's weight decay applies (matrices; LayerNorm gains and biases not), as {@code Param.decay()}. */
  public boolean decay() {
    return decay;
  }

  /** An embedding table ({@code wte}, {@code wpe}): decayed only with {@code train.decay-embeddings}. */
  public boolean embedding() {
    return embedding;
  }

  double std() {
    return std;
  }

  boolean ones() {
    return ones;
  }
}
