// Meters that stand between receivers and a pipeline's MeterProvider: one that leaves out
// instruments by name (the filter processor), and one that lets nothing through while a
// gate is closed (memory_limiter), counting the recordings it refused.
import {
  type Attributes, type BatchObservableCallback, type BatchObservableResult, type Counter, createNoopMeter, type Gauge,
  type Histogram, type Meter, type MetricOptions, type Observable, type ObservableCallback, type ObservableCounter,
  type ObservableGauge, type ObservableResult, type ObservableUpDownCounter, type UpDownCounter,
} from '@opentelemetry/api';

const noop = createNoopMeter();

/** A Meter whose instruments with a name `keep` refuses are no-ops; the rest are the real ones. */
export function filteredMeter(meter: Meter, keep: (name: string) => boolean): Meter {
  const dropped = new WeakSet<Observable>();
  const observable = <T extends Observable>(real: (m: Meter) => T, name: string): T => {
    if (keep(name)) return real(meter);
    const instrument = real(noop);
    dropped.add(instrument);
    return instrument;
  };
  return {
    createGauge: (name: string, options?: MetricOptions): Gauge => (keep(name) ? meter : noop).createGauge(name, options),
    createHistogram: (name: string, options?: MetricOptions): Histogram => (keep(name) ? meter : noop).createHistogram(name, options),
    createCounter: (name: string, options?: MetricOptions): Counter => (keep(name) ? meter : noop).createCounter(name, options),
    createUpDownCounter: (name: string, options?: MetricOptions): UpDownCounter => (keep(name) ? meter : noop).createUpDownCounter(name, options),
    createObservableGauge: (name: string, options?: MetricOptions): ObservableGauge => observable((m) => m.createObservableGauge(name, options), name),
    createObservableCounter: (name: string, options?: MetricOptions): ObservableCounter => observable((m) => m.createObservableCounter(name, options), name),
    createObservableUpDownCounter: (name: string, options?: MetricOptions): ObservableUpDownCounter =>
      observable((m) => m.createObservableUpDownCounter(name, options), name),
    addBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const kept = observables.filter((o) => !dropped.has(o));
      if (kept.length === 0) return;
      meter.addBatchObservableCallback(forwardKept(callback, dropped), kept);
    },
    removeBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const forward = forwards.get(callback);
      if (forward) meter.removeBatchObservableCallback(forward, observables.filter((o) => !dropped.has(o)));
    },
  };
}

const forwards = new WeakMap<BatchObservableCallback, BatchObservableCallback>();

function forwardKept(callback: BatchObservableCallback, dropped: WeakSet<Observable>): BatchObservableCallback {
  const forward: BatchObservableCallback = (result) =>
    callback({ observe: (o, value, attributes) => { if (!dropped.has(o)) result.observe(o, value, attributes); } });
  forwards.set(callback, forward);
  return forward;
}

/**
 * A Meter that records nothing while `open()` is false: synchronous recordings are refused
 * (and counted through `refused`), observable callbacks are not called (a gauge simply misses
 * that collection; the next one after the gate opens has the current value).
 */
export function gatedMeter(meter: Meter, open: () => boolean, refused: (items: number) => void): Meter {
  type Recording = { add?(value: number, attributes?: Attributes): void; record?(value: number, attributes?: Attributes): void };
  const gate = <T extends Recording>(instrument: T): T => ({
    add: (value: number, attributes?: Attributes) => { if (open()) instrument.add?.(value, attributes); else refused(1); },
    record: (value: number, attributes?: Attributes) => { if (open()) instrument.record?.(value, attributes); else refused(1); },
  }) as T;
  const callbacks = new WeakMap<object, object>();
  const gatedCallback = (callback: ObservableCallback): ObservableCallback => {
    const gated: ObservableCallback = (result: ObservableResult) => (open() ? callback(result) : undefined);
    callbacks.set(callback, gated);
    return gated;
  };
  const gatedObservable = <T extends Observable>(real: T): T => ({
    ...real,
    addCallback: (callback: ObservableCallback) => real.addCallback(gatedCallback(callback)),
    removeCallback: (callback: ObservableCallback) => real.removeCallback((callbacks.get(callback) as ObservableCallback | undefined) ?? callback),
    real,
  }) as T;
  const unwrap = (o: Observable) => (o as Observable & { real?: Observable }).real ?? o;
  return {
    createGauge: (name, options) => gate(meter.createGauge(name, options)),
    createHistogram: (name, options) => gate(meter.createHistogram(name, options)),
    createCounter: (name, options) => gate(meter.createCounter(name, options)),
    createUpDownCounter: (name, options) => gate(meter.createUpDownCounter(name, options)),
    createObservableGauge: (name, options) => gatedObservable(meter.createObservableGauge(name, options)),
    createObservableCounter: (name, options) => gatedObservable(meter.createObservableCounter(name, options)),
    createObservableUpDownCounter: (name, options) => gatedObservable(meter.createObservableUpDownCounter(name, options)),
    addBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const gated: BatchObservableCallback = (result: BatchObservableResult) => {
        if (!open()) return;
        return callback({ observe: (o, value, attributes) => result.observe(unwrap(o), value, attributes) });
      };
      callbacks.set(callback, gated);
      meter.addBatchObservableCallback(gated, observables.map(unwrap));
    },
    removeBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const gated = callbacks.get(callback) as BatchObservableCallback | undefined;
      if (gated) meter.removeBatchObservableCallback(gated, observables.map(unwrap));
    },
  };
}
