package io.mlship.smoke.load;

import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Drives a target with the cases' requests, round robin, from a fixed number of workers. A request is an
 * error when it got no answer or a status other than its case expects. Each worker records into its own
 * histogram (no contention on the hot path); they are merged at the end.
 *
 * <p>The run stops as soon as its verdict is certain ({@link EarlyStop}): the workers send nothing more and the
 * requests still in flight are cancelled, not waited out, so a hanging target costs one request timeout here.
 * The warm-up stops at its first request that gets no answer: the measured run decides about that target.
 */
public final class LoadRunner {
    private static final int MAX_REASONS = 10;

    private final Progress progress;

    public LoadRunner(Progress progress) {
        this.progress = progress;
    }

    public LoadResult run(Target target, List<SmokeCase> cases, LoadPlan plan, Duration requestTimeout) throws InterruptedException {
        return run(target, cases, plan, requestTimeout, EarlyStop.never());
    }

    public LoadResult run(Target target, List<SmokeCase> cases, LoadPlan plan, Duration requestTimeout, EarlyStop stop)
            throws InterruptedException {
        if (plan.warmup() > 0) {
            progress.step("load: warming up with " + plan.warmup() + " requests");
            LoadResult warm = drive(target, cases, plan.warmup(), null, plan.concurrency(), requestTimeout, null);
            if (warm.stoppedEarly() != null) {
                progress.step("load: warm-up ended early: " + warm.stoppedEarly());
            }
        }
        progress.step("load: " + plan.describe() + " against " + target.describe());
        LoadResult result = drive(target, cases, plan.requests(), plan.duration(), plan.concurrency(), requestTimeout, stop);
        progress.step(String.format("load: %d requests in %.1f s, %d errors", result.requests(), result.wallNanos() / 1e9,
                result.errors()));
        if (result.stoppedEarly() != null) {
            progress.step("load: stopped early after " + result.requests() + " of " + result.planned() + " requests: "
                    + result.stoppedEarly());
        }
        return result;
    }

    /** {@code stop} null: a warm-up, which ends at the first request without an answer. */
    private LoadResult drive(Target target, List<SmokeCase> cases, Integer count, Duration duration, int workers,
                             Duration requestTimeout, EarlyStop stop) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        LongAdder errors = new LongAdder();
        Map<String, Long> reasons = new ConcurrentHashMap<>();
        AtomicReference<String> stopped = new AtomicReference<>();
        AtomicReference<RuntimeException> broke = new AtomicReference<>();
        EarlyStop.Watch watch = stop == null ? null : stop.watch();
        long highest = Math.max(2_000, requestTimeout.toNanos() / 1000 * 2); // µs; a timed-out request still fits
        List<Histogram> histograms = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            histograms.add(new Histogram(1, highest, 3));
        }
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(workers);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mlship-load-progress"));
        if (stop != null) {
            ticker.scheduleAtFixedRate(() -> progress.step(String.format("load: %d requests sent, %d errors so far",
                    next.get(), errors.sum())), 5, 5, TimeUnit.SECONDS);
        }
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Histogram mine = histograms.get(w);
            Thread t = daemon(() -> {
                try {
                    while (stopped.get() == null) {
                        long i = next.getAndIncrement();
                        if (count != null ? i >= count : System.nanoTime() >= deadline) {
                            break;
                        }
                        SmokeCase c = cases.get((int) (i % cases.size()));
                        Response r = target.measure(c.request());
                        if (stopped.get() != null) {
                            break; // cancelled, or finished after the verdict: it counts for nothing
                        }
                        long micros = Math.min(highest, Math.max(1, r.latencyNanos() / 1000));
                        mine.recordValue(micros);
                        boolean error = !r.answered() || r.status() != c.expectedStatus();
                        if (error) {
                            errors.increment();
                            String why = r.answered() ? "status " + r.status() : r.transportError();
                            if (reasons.size() < MAX_REASONS || reasons.containsKey(why)) {
                                reasons.merge(why, 1L, Long::sum);
                            }
                        }
                        String certain = watch != null ? watch.record(error, micros)
                                : r.answered() ? null : "no answer (" + r.transportError() + ")";
                        if (certain != null && stopped.compareAndSet(null, certain)) {
                            target.cancelInFlight();
                        }
                    }
                } catch (RuntimeException e) {
                    // Not the service's answer but the gate's setup (a certificate, say): ends the run, reported by run().
                    broke.compareAndSet(null, e);
                    if (stopped.compareAndSet(null, "stopped: " + e.getMessage())) {
                        target.cancelInFlight();
                    }
                } finally {
                    done.countDown();
                }
            }, "mlship-load-" + w);
            threads.add(t);
            t.start();
        }
        try {
            // Every request is bounded by its timeout, and cancelled once the verdict is certain, so the workers end.
            done.await();
        } finally {
            ticker.shutdownNow();
            threads.forEach(Thread::interrupt);
        }
        if (broke.get() != null) {
            throw broke.get() instanceof MlshipException m ? m : broke.get();
        }
        long wall = System.nanoTime() - start;
        Histogram all = new Histogram(1, highest, 3);
        histograms.forEach(all::add);
        long sent = all.getTotalCount();
        String early = stopped.get();
        // Stopped by the rule but with nothing left to send: the run was complete anyway.
        if (early != null && count != null && sent >= count) {
            early = null;
        }
        return new LoadResult(all, sent, errors.sum(), wall, reasons, count, early);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
