package org.anisoscope.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * The device pointers handed to cuBLAS carry the buffer's address plus the element offset. (An anonymous FloatPointer
 * subclass once assigned its own inherited, still-zero address field instead, and every product on the GPU failed
 * with cuBLAS status 7; no GPU is needed to see that.)
 */
class DevicePointerTest {
  @Test
  void pointerCarriesBufferAddressPlusOffset() {
    CudaDevice.CudaBuf buf = new CudaDevice.CudaBuf(0x7f00_0000_1000L, 64);
    FloatPointer p = CudaDevice.at(buf, 0);
    assertEquals(0x7f00_0000_1000L, p.address());
    assertEquals(0, p.position());
    assertEquals(0x7f00_0000_1000L + 4 * 13, CudaDevice.at(buf, 13).address());
  }
}
