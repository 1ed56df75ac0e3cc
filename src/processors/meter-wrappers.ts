// Meters that stand between receivers and a pipeline's MeterProvider: one that leaves out
// instruments, or single recordings, that a filter drops (the filter processor), and one that
// lets nothing through while a gate is closed (memory_limiter), counting the recordings it
// refused.
import {
  type Attributes, type BatchObservableCallback, type BatchObservableResult, type Context, createNoopMeter,
  type Meter, type MetricOptions, type Observable, type ObservableCallback, type ObservableResult,
} from '@opentelemetry/api';
import { METRIC_DATA_TYPE, type MetricDataType } from './filter/ottl/contexts.ts';

const noop = createNoopMeter();

/** An instrument as a filter sees it when the instrument is created. */
export interface InstrumentInfo {
  name: string;
  description: string;
  unit: string;
  type: MetricDataType;
}

export interface MeterFilter {
  /** False for an instrument whose data is dropped as a whole: it becomes a no-op. Asked once per instrument. */
  keepInstrument(instrument: InstrumentInfo): boolean;
  /**
   * Returns, for a kept instrument, what decides on each recording or observation by its
   * attributes; undefined when every one is kept.
   */
  pointFilter?(instrument: InstrumentInfo): ((attributes: Attributes) => boolean) | undefined;
}

type Recorder = { add?(value: number, attributes?: Attributes, context?: Context): void; record?(value: number, attributes?: Attributes, context?: Context): void };

/** A Meter whose instruments (or single recordings) the filter refuses are no-ops; the rest reach `meter`. */
export function filteredMeter(meter: Meter, filter: MeterFilter): Meter {
  const dropped = new WeakSet<Observable>();
  // Observables that keep some points: the wrapper handed out, the real one and its test.
  const partial = new WeakMap<Observable, { real: Observable; keep: (attributes: Attributes) => boolean }>();
  const decide = (name: string, options: MetricOptions | undefined, type: MetricDataType) => {
    const info: InstrumentInfo = { name, description: options?.description ?? '', unit: options?.unit ?? '', type };
    if (!filter.keepInstrument(info)) return { keep: false as const };
    return { keep: true as const, point: filter.pointFilter?.(info) };
  };
  const synchronous = <T extends Recorder>(create: (m: Meter) => T, name: string, options: MetricOptions | undefined, type: MetricDataType): T => {
    const decision = decide(name, options, type);
    if (!decision.keep) return create(noop);
    const real = create(meter);
    const point = decision.point;
    if (!point) return real;
    return {
      add: (value: number, attributes: Attributes = {}, context?: Context) => { if (point(attributes)) real.add?.(value, attributes, context); },
      record: (value: number, attributes: Attributes = {}, context?: Context) => { if (point(attributes)) real.record?.(value, attributes, context); },
    } as T;
  };
  const observable = <T extends Observable>(create: (m: Meter) => T, name: string, options: MetricOptions | undefined, type: MetricDataType): T => {
    const decision = decide(name, options, type);
    if (!decision.keep) {
      const instrument = create(noop);
      dropped.add(instrument);
      return instrument;
    }
    const real = create(meter);
    const point = decision.point;
    if (!point) return real;
    const callbacks = new WeakMap<ObservableCallback, ObservableCallback>();
    const wrapper = {
      addCallback: (callback: ObservableCallback) => {
        const filtered: ObservableCallback = (result: ObservableResult) =>
          callback({ observe: (value: number, attributes: Attributes = {}) => { if (point(attributes)) result.observe(value, attributes); } });
        callbacks.set(callback, filtered);
        real.addCallback(filtered);
      },
      removeCallback: (callback: ObservableCallback) => real.removeCallback(callbacks.get(callback) ?? callback),
      real,
    } as unknown as T;
    partial.set(wrapper, { real, keep: point });
    return wrapper;
  };
  const realOf = (o: Observable) => partial.get(o)?.real ?? o;
  const forwards = new WeakMap<BatchObservableCallback, BatchObservableCallback>();
  return {
    createGauge: (name, options) => synchronous((m) => m.createGauge(name, options), name, options, METRIC_DATA_TYPE.GAUGE),
    createHistogram: (name, options) => synchronous((m) => m.createHistogram(name, options), name, options, METRIC_DATA_TYPE.HISTOGRAM),
    createCounter: (name, options) => synchronous((m) => m.createCounter(name, options), name, options, METRIC_DATA_TYPE.SUM),
    createUpDownCounter: (name, options) => synchronous((m) => m.createUpDownCounter(name, options), name, options, METRIC_DATA_TYPE.SUM),
    createObservableGauge: (name, options) => observable((m) => m.createObservableGauge(name, options), name, options, METRIC_DATA_TYPE.GAUGE),
    createObservableCounter: (name, options) => observable((m) => m.createObservableCounter(name, options), name, options, METRIC_DATA_TYPE.SUM),
    createObservableUpDownCounter: (name, options) =>
      observable((m) => m.createObservableUpDownCounter(name, options), name, options, METRIC_DATA_TYPE.SUM),
    addBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const kept = observables.filter((o) => !dropped.has(o));
      if (kept.length === 0) return;
      const forward: BatchObservableCallback = (result: BatchObservableResult) => callback({
        observe: (o, value, attributes = {}) => {
          if (dropped.has(o)) return;
          const filtered = partial.get(o);
          if (filtered && !filtered.keep(attributes)) return;
          result.observe(realOf(o), value, attributes);
        },
      });
      forwards.set(callback, forward);
      meter.addBatchObservableCallback(forward, kept.map(realOf));
    },
    removeBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const forward = forwards.get(callback);
      if (forward) meter.removeBatchObservableCallback(forward, observables.filter((o) => !dropped.has(o)).map(realOf));
    },
  };
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
