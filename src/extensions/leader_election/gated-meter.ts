// A Meter that lets nothing through while a gate is closed: what a receiver that runs on
// the leader only writes through once its term has ended (leadership.ts).
import {
  type Attributes, type BatchObservableCallback, type BatchObservableResult,
  type Meter, type Observable, type ObservableCallback, type ObservableResult,
} from '@opentelemetry/api';

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
