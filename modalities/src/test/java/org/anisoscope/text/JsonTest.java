package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void quotedStringsParseBackUnchangedIncludingLoneSurrogates() {
    String s = "\" \\ / \b \f \n \r \t \0 \u007F \u2028 é 😀 \uD800 \uDFFF end";
    assertEquals(s, Json.parse(Json.quote(s)));
  }

  @Test
  void parsesObjectsArraysIntegersAndBooleans() {
    assertEquals(Map.of("a", List.of(1L, -2L), "b", true, "c", Map.of()),
        Json.parse(" {\"a\": [1, -2], \"b\": true, \"c\": {}} "));
  }

  @Test
  void rejectsTrailingCharacters() {
    assertThrows(org.anisoscope.files.BadInputException.class, () -> Json.parse("{} x"));
  }
}
