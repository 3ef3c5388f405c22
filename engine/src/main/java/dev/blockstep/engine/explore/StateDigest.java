package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.WriteGeneration;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A canonical 128-bit hash of everything an engine's future depends on, so the explorer can tell that two
 * schedules reached the same state and explore its subtree once.
 *
 * <p>It walks the engine's object graph by reflection rather than asking each class for its state: a field
 * added to the driver or a coroutine next year is then hashed without anyone remembering to. Objects are
 * numbered in the order the walk meets them, so shared references (a coroutine in a lock's queue and in the
 * scheduler) hash as the same object. Only fields that record history and never steer a later step are left
 * out ({@link #HISTORY}); leaving out one that does steer would merge different states, and the brute-force
 * comparison in {@code StateCacheOracleTest} is what catches that. A field kept that is really history only
 * costs cache hits.
 *
 * <p>The run's own history enters too, reduced to what the data oracle reads: for each request, which others
 * had ended when it began, and what each read returned.
 */
final class StateDigest {
    /** Fields that are history, caches of views, or per-step scratch: Class.simpleName + "." + field. */
    private static final Set<String> HISTORY = Set.of(
            "Engine.imageCache", "Engine.imageDirty", "Engine.viewCache", "Engine.viewVersion",
            "Engine.fixAtLastStep",
            "Scheduler.stepIndex", "Scheduler.readyCounter", "Scheduler.readySince", "Scheduler.current",
            "Scheduler.policy",
            // blockedOn is the debugger's text, fixed when the coroutine blocked ("aio_flush: 3 requests in flight")
            "Coroutine.frames", "Coroutine.version", "Coroutine.blockedOn",
            "BlockNode.stdout", "BlockNode.output", "BlockNode.outputGroup", "BlockNode.eventTarget",
            "Qcow2State.sink", "Qcow2State.observer", "Qcow2State.co",
            // the workload is the same list in every state of one search; pc says how far it got
            "QemuIoMain.commands");

    private static final Map<Class<?>, Slot[]> FIELDS = new ConcurrentHashMap<>();

    private final IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
    /** Each write_gen value met so far, numbered in walk order ({@link WriteGeneration}). */
    private final Map<Long, Integer> generations = new HashMap<>();
    /** Test hook: more "Class.field" names, or a bare class name, left out (a digest made to miss something). */
    private final Set<String> hidden;
    private long h1 = 0x243F6A8885A308D3L;
    private long h2 = 0x13198A2E03707344L;

    private StateDigest(Set<String> hidden) {
        this.hidden = hidden;
    }

    /** The digest of {@code run}'s engine and of the history its judge will read. */
    static Key of(Run run) {
        return of(run, Set.of());
    }

    /** As {@link #of(Run)} with more left out; "Run.history" leaves out the run's history. */
    static Key of(Run run, Set<String> hidden) {
        StateDigest d = new StateDigest(hidden);
        d.walk(run.engine());
        if (!hidden.contains("Run.history")) {
            run.digestHistory(d::add);
        }
        return new Key(d.h1, d.h2);
    }

    /** The digest of any object graph, walked as {@link #of(Run)} walks an engine (for tests of the rules). */
    static Key ofGraph(Object root) {
        StateDigest d = new StateDigest(Set.of());
        d.walk(root);
        return new Key(d.h1, d.h2);
    }

    /** Two independent 64-bit mixes of the same stream; equal keys for different streams are a 2^-128 accident. */
    record Key(long a, long b) { }

    void add(long v) {
        h1 = mix(h1 ^ v) + 0x9E3779B97F4A7C15L;
        h2 = mix2(h2 + v) ^ (h1 >>> 17);
    }

    /** Each class's name as one hashed word: a name fed char by char cost more than all the state it named. */
    private static final ClassValue<Long> NAME = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            long h = 0x2545F4914F6CDD1DL;
            for (char ch : type.getName().toCharArray()) {
                h = mix(h ^ ch);
            }
            return h;
        }
    };

    private void add(String s) {
        add(s.length());
        for (int i = 0; i < s.length(); i++) {
            add(s.charAt(i));
        }
    }

    private void walk(Object o) {
        if (o == null) {
            add(0x6E756C6CL);
            return;
        }
        if (o instanceof Number || o instanceof Boolean || o instanceof Character) {
            add(NAME.get(o.getClass()));
            add(o instanceof Boolean b ? (b ? 1 : 0) : o instanceof Character c ? c
                    : o instanceof Double d ? Double.doubleToLongBits(d) : o instanceof Float f
                    ? Float.floatToIntBits(f) : ((Number) o).longValue());
            return;
        }
        if (o instanceof String s) {
            add(s);
            return;
        }
        if (o instanceof Enum<?> e) {
            add(NAME.get(e.getDeclaringClass()));
            add(e.ordinal());
            return;
        }
        Integer ref = seen.get(o);
        if (ref != null) {
            add(0x52454600L + ref);
            return;
        }
        seen.put(o, seen.size());
        Class<?> c = o.getClass();
        add(NAME.get(c));
        if (!hidden.isEmpty() && hidden.contains(c.getSimpleName())) {
            return;
        }
        if (o instanceof Coroutine co && co.state() == CoState.DONE) {
            // A finished coroutine never steps again, and no step reads another coroutine's locals: what it
            // returned is in the run's history (reads) or already in the shared state. Its locals are history.
            add(co.id());
            add(co.name());
            add(CoState.DONE.ordinal());
            return;
        }
        if (o instanceof HostFile f) {
            f.digest(this::add);
        } else if (c.isArray()) {
            walkArray(o);
        } else if (o instanceof Map<?, ?> m) {
            walkMap(m);
        } else if (o instanceof Collection<?> col) {
            if (o instanceof Set<?> && !(o instanceof java.util.SortedSet<?>)
                    && !(o instanceof java.util.LinkedHashSet<?>) && !(o instanceof java.util.EnumSet<?>)) {
                throw new IllegalStateException("cannot hash an unordered " + c.getName() + " canonically");
            }
            add(col.size());
            for (Object e : col) {
                walk(e);
            }
        } else if (c.isSynthetic() || c.isHidden()) {
            // a lambda's behaviour is its class; what it captures is part of the object it was made for
            return;
        } else if (c.getName().startsWith("java.")) {
            throw new IllegalStateException("cannot hash a " + c.getName() + " inside the engine");
        } else {
            for (Slot slot : fields(c)) {
                Field f = slot.field();
                if (!hidden.isEmpty() && hidden.contains(f.getDeclaringClass().getSimpleName() + "." + f.getName())) {
                    continue;
                }
                try {
                    switch (slot.kind()) {
                        case LONG -> add(f.getLong(o));
                        case INT -> add(f.getInt(o));
                        case BOOLEAN -> add(f.getBoolean(o) ? 1 : 0);
                        case DOUBLE -> add(Double.doubleToLongBits(f.getDouble(o)));
                        case FLOAT -> add(Float.floatToIntBits(f.getFloat(o)));
                        case GENERATION -> add(generation(f.getLong(o)));
                        case GENERATIONS -> {
                            long[] g = (long[]) f.get(o);
                            add(g == null ? -1 : g.length);
                            for (int i = 0; g != null && i < g.length; i++) {
                                add(generation(g[i]));
                            }
                        }
                        case OBJECT -> walk(f.get(o));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** A write_gen value as the number of distinct values met before it in the walk: its equality pattern. */
    private int generation(long value) {
        Integer n = generations.get(value);
        if (n == null) {
            n = generations.size();
            generations.put(value, n);
        }
        return n;
    }

    private void walkArray(Object o) {
        if (o instanceof byte[] b) {
            add(b.length);
            for (byte x : b) {
                add(x);
            }
        } else if (o instanceof long[] a) {
            // sparse: tables such as the refcount table are mostly zeros; index and value of the rest, then an end
            add(a.length);
            for (int i = 0; i < a.length; i++) {
                if (a[i] != 0) {
                    add(i);
                    add(a[i]);
                }
            }
            add(-1);
        } else if (o instanceof int[] a) {
            add(a.length);
            for (int x : a) {
                add(x);
            }
        } else if (o instanceof boolean[] a) {
            add(a.length);
            for (boolean x : a) {
                add(x ? 1 : 0);
            }
        } else if (o instanceof Object[] a) {
            add(a.length);
            for (Object x : a) {
                walk(x);
            }
        } else {
            throw new IllegalStateException("cannot hash a " + o.getClass().getName() + " inside the engine");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void walkMap(Map<?, ?> m) {
        add(m.size());
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        if (!(m instanceof SortedMap<?, ?>) && !(m instanceof java.util.LinkedHashMap<?, ?>)) {
            for (Map.Entry<?, ?> e : entries) {
                if (!(e.getKey() instanceof Comparable)) {
                    throw new IllegalStateException("cannot hash a map keyed by " + e.getKey().getClass().getName());
                }
            }
            entries.sort((x, y) -> ((Comparable) x.getKey()).compareTo(y.getKey()));
        }
        for (Map.Entry<?, ?> e : entries) {
            walk(e.getKey());
            walk(e.getValue());
        }
    }

    /** How a field is hashed: primitives by value, write_gen values by their equality pattern, the rest walked. */
    private enum Kind { LONG, INT, BOOLEAN, DOUBLE, FLOAT, GENERATION, GENERATIONS, OBJECT }

    private record Slot(Field field, Kind kind) { }

    /** The class's instance fields and its superclasses', history left out, in a fixed order. */
    private static Slot[] fields(Class<?> c) {
        return FIELDS.computeIfAbsent(c, k -> {
            List<Slot> out = new ArrayList<>();
            for (Class<?> x = k; x != null && x != Object.class && x != Record.class; x = x.getSuperclass()) {
                Field[] own = x.getDeclaredFields();
                Arrays.sort(own, Comparator.comparing(Field::getName));
                for (Field f : own) {
                    if (Modifier.isStatic(f.getModifiers())
                            || HISTORY.contains(x.getSimpleName() + "." + f.getName())) {
                        continue;
                    }
                    f.setAccessible(true);
                    out.add(new Slot(f, kind(f)));
                }
            }
            return out.toArray(new Slot[0]);
        });
    }

    private static Kind kind(Field f) {
        Class<?> t = f.getType();
        if (f.isAnnotationPresent(WriteGeneration.class)) {
            if (t == long.class) {
                return Kind.GENERATION;
            }
            if (t == long[].class) {
                return Kind.GENERATIONS;
            }
            throw new IllegalStateException(f + " is marked a write generation but is not a long or long[]");
        }
        if (t == long.class) {
            return Kind.LONG;
        }
        if (t == int.class || t == byte.class || t == short.class || t == char.class) {
            return Kind.INT;
        }
        if (t == boolean.class) {
            return Kind.BOOLEAN;
        }
        if (t == double.class) {
            return Kind.DOUBLE;
        }
        return t == float.class ? Kind.FLOAT : Kind.OBJECT;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long mix2(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
