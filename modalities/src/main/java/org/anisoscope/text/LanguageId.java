package org.anisoscope.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language identification by counting stop words (Grefenstette 1995's "short words" method): each language
 * has ~20–30 of its most frequent function words; a text's score for a language is how many of its words are
 * in that list; the best score wins if it is at least {@value #MIN_HITS} and strictly above the runner-up,
 * otherwise the language is unknown.
 *
 * <p>{@link #EUROPARL} are the 13 languages the Europarl corpus is known for. The Lucene Europarl sample also
 * holds Estonian, Lithuanian, Latvian, Slovak, Slovenian, Hungarian, Romanian and Bulgarian; they have lists
 * too ({@link #EXTRA}), not to be selected so much as to keep their lines out of the 13 (Slovak would
 * otherwise count as Czech, Estonian as Finnish). Measured on the 17,597 Europarl lines: see
 * {@code package-info.java}.
 */
public final class LanguageId {
  /** A winning language needs at least this many stop-word hits. */
  public static final int MIN_HITS = 3;

  /** The 13 Europarl languages, ISO 639-1. */
  public static final List<String> EUROPARL =
      List.of("en", "nl", "el", "cs", "fi", "fr", "de", "it", "da", "sv", "pt", "es", "pl");
  /** Further languages found in the Lucene sample. */
  public static final List<String> EXTRA = List.of("et", "lt", "lv", "sk", "sl", "hu", "ro", "bg");

  private static final Map<String, String> STOP_WORDS = new LinkedHashMap<>();

  static {
    STOP_WORDS.put("en", "the of and to in is that for this on are with be it we as have not which by will has an"
        + " at our from would should been there");
    STOP_WORDS.put("nl", "de het een van en in is dat op te voor met niet zijn die ook wij aan worden door er maar"
        + " over deze naar om bij wordt dit hebben");
    STOP_WORDS.put("de", "der die und den das ist nicht zu von mit sich auf für ein eine es dem wir auch im werden"
        + " sind wird des daß dass ich wie bei einer");
    STOP_WORDS.put("fr", "le la les de des et est que qui une un du en dans pour pas nous sur au ce il sont par"
        + " cette avec je aux plus ne être");
    STOP_WORDS.put("it", "il di che la e per non della del un è una le in sono si dei delle al con alla anche questo"
        + " ci nel ha da questa più gli");
    STOP_WORDS.put("es", "el de la que en y los las del se por un una para con no es al lo su sobre como pero este"
        + " esta más ha muy también sus");
    STOP_WORDS.put("pt", "de a o que e do da em para os não um uma dos das no na com se por é ao mais as como mas"
        + " foi também este pelo");
    STOP_WORDS.put("da", "og i at er det en af til den for med på de som vi ikke der har et vil om jeg kan skal"
        + " også eller meget være disse blev");
    STOP_WORDS.put("sv", "och i att det som en är av för på med till den inte har vi om de ett jag kan ska också"
        + " eller mycket detta vara måste så denna");
    STOP_WORDS.put("fi", "ja on että ei se myös ovat tämä mutta kuin olla joka sen tai niin ole siitä jotka hän"
        + " kanssa tässä voi mukaan me koska vain tätä jo nyt sekä");
    STOP_WORDS.put("cs", "a se na je v že to o s pro z k jsou do by jako tak ale také které bylo být tento jsme"
        + " této při však není již či");
    STOP_WORDS.put("pl", "i w na z do nie się że jest to o a jak przez dla od oraz są tym które ze by jego tak czy"
        + " tego być także już może");
    STOP_WORDS.put("el", "και το της να η την του των σε για με ο τα που είναι από στην τις οι θα στο δεν τη ότι"
        + " τους μια ένα αυτό στη αλλά");
    STOP_WORDS.put("et", "ja on et ei see kui ka mis ning oma aga selle või seda nii siis oleks peab kes väga meie"
        + " kõik ole mida olla");
    STOP_WORDS.put("lt", "ir kad yra į su tai ne kaip bet jų o iš už dėl taip buvo mes šio būti jog tik apie");
    STOP_WORDS.put("lv", "un ir ka par ar uz no lai kas tas arī to bet ko šo tā jo mēs kā vai mums nav tikai");
    STOP_WORDS.put("sk", "a v na je že sa o s z do aj ako ktoré sú pre by k tak ale čo ktorý alebo už bolo tiež"
        + " nie tým byť");
    STOP_WORDS.put("sl", "in je v da na za se so ki pa z tudi bi to o ne ali kot po smo pri še lahko zato sem");
    STOP_WORDS.put("hu", "a az és hogy nem is egy meg de csak van már ez mint kell el ezt azt vagy még valamint"
        + " európai amely ki fel");
    STOP_WORDS.put("ro", "și de în la a să că care pe nu este cu un o din pentru mai se ce sunt sau au fost acest");
    STOP_WORDS.put("bg", "и на за да в от се че е с по са не като това които ще тази този към при трябва");
  }

  /** word → indices (into {@link #LANGUAGES}) of the languages listing it. */
  private static final Map<String, int[]> WORD_LANGUAGES = new HashMap<>();
  private static final List<String> LANGUAGES =
      java.util.stream.Stream.concat(EUROPARL.stream(), EXTRA.stream()).toList();

  static {
    if (!Set.copyOf(LANGUAGES).equals(STOP_WORDS.keySet())) {
      throw new AssertionError("stop-word lists " + STOP_WORDS.keySet() + " do not match " + LANGUAGES);
    }
    for (int l = 0; l < LANGUAGES.size(); l++) {
      for (String w : Set.of(STOP_WORDS.get(LANGUAGES.get(l)).split(" "))) {
        int[] old = WORD_LANGUAGES.getOrDefault(w, new int[0]);
        int[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = l;
        WORD_LANGUAGES.put(w, grown);
      }
    }
  }

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}]+");

  private LanguageId() {}

  /** Every language with a stop-word list: the 13 Europarl languages, then the extras. */
  public static List<String> languages() {
    return LANGUAGES;
  }

  /** The language of {@code text}, or empty when no language clearly wins. */
  public static Optional<String> identify(String text) {
    int[] hits = new int[LANGUAGES.size()];
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      int[] langs = WORD_LANGUAGES.get(m.group());
      if (langs != null) {
        for (int l : langs) {
          hits[l]++;
        }
      }
    }
    int best = 0;
    int second = 0;
    int bestLang = -1;
    for (int l = 0; l < hits.length; l++) {
      if (hits[l] > best) {
        second = best;
        best = hits[l];
        bestLang = l;
      } else if (hits[l] > second) {
        second = hits[l];
      }
    }
    return best >= MIN_HITS && best > second ? Optional.of(LANGUAGES.get(bestLang)) : Optional.empty();
  }
}
