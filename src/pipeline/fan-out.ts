// A receiver that is in several pipelines writes once to a Meter and a Logger that forward
// to each pipeline's own provider, as the Collector's fan-out consumer does.
import {
  type Attributes, type BatchObservableCallback, type BatchObservableResult, type Counter, createNoopLogger, createNoopMeter,
  type Gauge, type Histogram, type Logger, type LogRecord, type Meter, type MetricOptions, type Observable,
  type ObservableCallback, type UpDownCounter,
} from '@opentelemetry/api';

class FanOutObservable implements Observable {
  readonly parts: Observable[];
  constructor(parts: Observable[]) {
    this.parts = parts;
  }
  addCallback(callback: ObservableCallback): void {
    for (const part of this.parts) part.addCallback(callback);
  }
  removeCallback(callback: ObservableCallback): void {
    for (const part of this.parts) part.removeCallback(callback);
  }
}

type Recording = { add?(value: number, attributes?: Attributes): void; record?(value: number, attributes?: Attributes): void };

function fanOutSynchronous<T extends Recording>(parts: T[]): T {
  return {
    add: (value: number, attributes?: Attributes) => { for (const part of parts) part.add?.(value, attributes); },
    record: (value: number, attributes?: Attributes) => { for (const part of parts) part.record?.(value, attributes); },
  } as T;
}

class FanOutMeter implements Meter {
  private readonly meters: Meter[];
  private readonly batchCallbacks = new Map<BatchObservableCallback, BatchObservableCallback[]>();
  constructor(meters: Meter[]) {
    this.meters = meters;
  }
  createGauge(name: string, options?: MetricOptions): Gauge {
    return fanOutSynchronous(this.meters.map((m) => m.createGauge(name, options)));
  }
  createHistogram(name: string, options?: MetricOptions): Histogram {
    return fanOutSynchronous(this.meters.map((m) => m.createHistogram(name, options)));
  }
  createCounter(name: string, options?: MetricOptions): Counter {
    return fanOutSynchronous(this.meters.map((m) => m.createCounter(name, options)));
  }
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return fanOutSynchronous(this.meters.map((m) => m.createUpDownCounter(name, options)));
  }
  createObservableGauge(name: string, options?: MetricOptions): FanOutObservable {
    return new FanOutObservable(this.meters.map((m) => m.createObservableGauge(name, options)));
  }
  createObservableCounter(name: string, options?: MetricOptions): FanOutObservable {
    return new FanOutObservable(this.meters.map((m) => m.createObservableCounter(name, options)));
  }
  createObservableUpDownCounter(name: string, options?: MetricOptions): FanOutObservable {
    return new FanOutObservable(this.meters.map((m) => m.createObservableUpDownCounter(name, options)));
  }
  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    const perMeter = this.meters.map((meter, index) => {
      const forward: BatchObservableCallback = (result) =>
        callback(partResult(result, index));
      meter.addBatchObservableCallback(forward, observables.map((o) => (o as FanOutObservable).parts[index]!));
      return forward;
    });
    this.batchCallbacks.set(callback, perMeter);
  }
  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    const perMeter = this.batchCallbacks.get(callback);
    if (!perMeter) return;
    this.meters.forEach((meter, index) =>
      meter.removeBatchObservableCallback(perMeter[index]!, observables.map((o) => (o as FanOutObservable).parts[index]!)));
    this.batchCallbacks.delete(callback);
  }
}

function partResult(result: BatchObservableResult, index: number): BatchObservableResult {
  return {
    observe: (observable, value, attributes) => result.observe((observable as FanOutObservable).parts[index]!, value, attributes),
  };
}

export function fanOutMeter(meters: Meter[]): Meter {
  if (meters.length === 0) return createNoopMeter();
  if (meters.length === 1) return meters[0]!;
  return new FanOutMeter(meters);
}

export function fanOutLogger(loggers: Logger[]): Logger {
  if (loggers.length === 0) return createNoopLogger();
  if (loggers.length === 1) return loggers[0]!;
  return {
    emit: (record: LogRecord) => { for (const logger of loggers) logger.emit(record); },
    enabled: (options) => loggers.some((logger) => logger.enabled(options)),
  };
}
