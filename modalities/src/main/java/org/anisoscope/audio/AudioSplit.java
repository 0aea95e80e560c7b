package org.anisoscope.audio;

import com.google.common.base.Preconditions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Held-out split by utterance, and by speaker where there are enough speakers: with at least
 * {@value #MIN_SPEAKERS_FOR_SPEAKER_SPLIT} speakers whole speakers are held out (in a seeded order, until at least
 * {@code valFraction} of the utterances are), so no voice of the validation split was heard in training; with
 * fewer, each speaker's utterances are split in the same proportion (a seeded shuffle of that speaker's files,
 * sorted by path first so the split does not depend on listing order). Either way at least one utterance is held
 * out and at least one is kept for training.
 *
 * @param train the training utterances
 * @param val the held-out utterances
 * @param bySpeaker whether whole speakers were held out
 */
public record AudioSplit(List<Utterance> train, List<Utterance> val, boolean bySpeaker) {
  public static final int MIN_SPEAKERS_FOR_SPEAKER_SPLIT = 4;

  public static AudioSplit of(List<Utterance> all, double valFraction, long seed) {
    Preconditions.checkArgument(all.size() >= 2, "a split needs at least 2 recordings, got %s", all.size());
    Preconditions.checkArgument(valFraction > 0 && valFraction < 1, "val fraction %s not in (0, 1)", valFraction);
    Map<String, List<Utterance>> bySpeaker = new TreeMap<>();
    for (Utterance u : all) {
      bySpeaker.computeIfAbsent(u.speaker(), s -> new ArrayList<>()).add(u);
    }
    for (List<Utterance> l : bySpeaker.values()) {
      l.sort(Comparator.comparing(u -> u.file().toString()));
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<Utterance> train = new ArrayList<>();
    List<Utterance> val = new ArrayList<>();
    if (bySpeaker.size() >= MIN_SPEAKERS_FOR_SPEAKER_SPLIT) {
      List<String> speakers = new ArrayList<>(bySpeaker.keySet());
      shuffle(speakers, r);
      int target = (int) Math.ceil(valFraction * all.size());
      Map<String, Boolean> held = new LinkedHashMap<>();
      int count = 0;
      for (int i = 0; i < speakers.size() - 1 && count < target; i++) { // the last speaker always trains
        held.put(speakers.get(i), true);
        count += bySpeaker.get(speakers.get(i)).size();
      }
      for (Map.Entry<String, List<Utterance>> e : bySpeaker.entrySet()) {
        (held.containsKey(e.getKey()) ? val : train).addAll(e.getValue());
      }
      return new AudioSplit(train, val, true);
    }
    for (List<Utterance> l : bySpeaker.values()) {
      List<Utterance> s = new ArrayList<>(l);
      shuffle(s, r);
      int k = (int) Math.round(valFraction * s.size());
      k = Math.min(k, s.size() - 1);
      val.addAll(s.subList(0, k));
      train.addAll(s.subList(k, s.size()));
    }
    if (val.isEmpty()) { // tiny sets (every speaker rounds to 0): hold out one utterance, seeded
      train.sort(Comparator.comparing(u -> u.file().toString()));
      val.add(train.remove(r.nextInt(train.size())));
    }
    val.sort(Comparator.comparing(u -> u.file().toString()));
    train.sort(Comparator.comparing(u -> u.file().toString()));
    return new AudioSplit(train, val, false);
  }

  private static <T> void shuffle(List<T> l, SplittableRandom r) {
    for (int i = l.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = l.get(i);
      l.set(i, l.get(j));
      l.set(j, t);
    }
  }
}
