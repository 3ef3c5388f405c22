package dev.blockstep.engine.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs independent searches (a matrix's cells, several scenarios) on several threads. Each search has its own
 * engine and explorer and shares nothing, and the results come back in the order the searches were given, so the
 * output is the same for any thread count and any finishing order.
 */
public final class ParallelSearches {
    private ParallelSearches() {
    }

    /** The results of {@code searches}, in their order; on one thread they simply run one after the other. */
    public static <T> List<T> run(List<Supplier<T>> searches, int threads) {
        List<T> out = new ArrayList<>();
        if (threads <= 1 || searches.size() <= 1) {
            searches.forEach(s -> out.add(s.get()));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, searches.size()), r -> {
            Thread t = new Thread(r, "blockstep-search");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Supplier<T> s : searches) {
                futures.add(pool.submit(s::get));
            }
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
