package org.anisoscope.audio;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioSplitTest {
  static List<Utterance> utterances(int speakers, int each) {
    List<Utterance> l = new ArrayList<>();
    for (int s = 0; s < speakers; s++) {
      for (int i = 0; i < each; i++) {
        l.add(new Utterance(Path.of("spk" + s, "u" + i + ".wav"), 1.0, "spk" + s, ""));
      }
    }
    return l;
  }

  @Test
  void oneSpeakerIsSplitByUtteranceDisjointAndComplete() {
    List<Utterance> all = utterances(1, 20);
    AudioSplit s = AudioSplit.of(all, 0.1, 7);
    assertFalse(s.bySpeaker());
    assertEquals(2, s.val().size());
    assertEquals(18, s.train().size());
    Set<Utterance> union = new HashSet<>(s.train());
    union.addAll(s.val());
    assertEquals(new HashSet<>(all), union);
    assertTrue(Collections.disjoint(s.train(), s.val()));
  }

  @Test
  void theSplitDependsOnTheSeedNotOnListingOrder() {
    List<Utterance> all = utterances(2, 30);
    List<Utterance> reversed = new ArrayList<>(all);
    Collections.reverse(reversed);
    assertEquals(AudioSplit.of(all, 0.2, 3), AudioSplit.of(reversed, 0.2, 3));
    assertFalse(AudioSplit.of(all, 0.2, 3).val().equals(AudioSplit.of(all, 0.2, 4).val()));
  }

  @Test
  void twoSpeakersAreStratifiedManySpeakersAreHeldOutWhole() {
    AudioSplit two = AudioSplit.of(utterances(2, 10), 0.2, 1);
    assertFalse(two.bySpeaker());
    assertEquals(2, two.val().stream().filter(u -> u.speaker().equals("spk0")).count());
    assertEquals(2, two.val().stream().filter(u -> u.speaker().equals("spk1")).count());
    AudioSplit many = AudioSplit.of(utterances(6, 10), 0.2, 1);
    assertTrue(many.bySpeaker());
    Set<String> valSpeakers = new HashSet<>();
    many.val().forEach(u -> valSpeakers.add(u.speaker()));
    many.train().forEach(u -> assertFalse(valSpeakers.contains(u.speaker()), u.speaker() + " in both"));
    assertEquals(20, many.val().size()); // 2 of 6 speakers: ≥ 20 % of 60 utterances
  }

  @Test
  void tinySetsStillHoldOneOut() {
    AudioSplit s = AudioSplit.of(utterances(2, 1), 0.1, 5);
    assertEquals(1, s.val().size());
    assertEquals(1, s.train().size());
  }
}
