package org.anisoscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LanguageIdTest {
  @Test
  void identifiesTheEuroparlSampleLines() {
    List<String> found = new ArrayList<>();
    for (String body : Samples.europarlBodies().split("\n")) {
      found.add(LanguageId.identify(body).orElse("?"));
    }
    // languages read by eye from the 12 sample lines
    assertEquals(List.of("it", "sv", "de", "sv", "sv", "it", "sv", "nl", "en", "es", "es", "el"), found);
  }

  @Test
  void identifiesShortSentences() {
    assertEquals(Optional.of("en"), LanguageId.identify("This is the report of the committee on the budget."));
    assertEquals(Optional.of("cs"), LanguageId.identify(Samples.CZECH + " Je to pro nás velmi důležité a také nutné."));
    assertEquals(Optional.of("el"), LanguageId.identify(Samples.GREEK));
    assertEquals(Optional.of("fi"), LanguageId.identify("Tämä on erittäin tärkeä asia, ja se on myös kiireellinen."));
  }

  @Test
  void unknownWhenNoLanguageClearlyWins() {
    assertEquals(Optional.empty(), LanguageId.identify("Report: Genowefa Grabowska"));
    assertEquals(Optional.empty(), LanguageId.identify(""));
  }

  @Test
  void listsThe13EuroparlLanguagesFirst() {
    assertEquals(LanguageId.EUROPARL, LanguageId.languages().subList(0, 13));
    assertEquals(13 + LanguageId.EXTRA.size(), LanguageId.languages().size());
  }
}
