package org.anisoscope.util;

import com.google.common.collect.ImmutableSortedSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Name → factory, as fairseq registers criteria: a duplicate name is refused, an unknown name fails with the
 * list of known ones.
 *
 * @param <T> what the factories make
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, Supplier<? extends T>> factories = new LinkedHashMap<>();

  /** @param kind what the entries are, for error messages ("objective", "metric") */
  public Registry(String kind) {
    this.kind = kind;
  }

  /** Adds {@code name}; throws if it is already registered. */
  public synchronized Registry<T> register(String name, Supplier<? extends T> factory) {
    if (factories.containsKey(name)) {
      throw new IllegalArgumentException(kind + " '" + name + "' is already registered");
    }
    factories.put(name, factory);
    return this;
  }

  /** A new instance of {@code name}; an unknown name fails naming the known ones. */
  public synchronized T create(String name) {
    Supplier<? extends T> f = factories.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; known: " + String.join(", ", names()));
    }
    return f.get();
  }

  public synchronized boolean contains(String name) {
    return factories.containsKey(name);
  }

  public synchronized Set<String> names() {
    return ImmutableSortedSet.copyOf(factories.keySet());
  }
}
