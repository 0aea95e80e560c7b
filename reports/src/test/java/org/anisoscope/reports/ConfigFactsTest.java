package org.anisoscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigFactsTest {
  @Test
  void readsTheNestedLayoutTheTrainingSideRenders() {
    ConfigFacts f = ConfigFacts.parse("""
        # Fully resolved configuration of this run
        anisoscope {
        data {
            modality=text
            text {
                languages=[
                    en
                ]
                tokenizer=char
            }
        }
        model {
            d-model=128
            "layers" : 4
        }
        objective {
            type=causal-lm
        }
        probe {
            cone-hook="blocks.3.hook_resid_post"
        }
        }
        """);
    assertEquals("text", f.get("data.modality").orElseThrow());
    assertEquals("char", f.get("data.text.tokenizer").orElseThrow());
    assertEquals("[en]", f.get("data.text.languages").orElseThrow());
    assertEquals(128, f.integer("model.d-model").getAsInt());
    assertEquals(4, f.integer("model.layers").getAsInt());
    assertEquals("causal-lm", f.get("objective.type").orElseThrow());
    assertEquals("blocks.3.hook_resid_post", f.get("probe.cone-hook").orElseThrow());
    assertTrue(f.get("model.heads").isEmpty());
    assertTrue(f.integer("objective.type").isEmpty(), "not a number");
  }
}
