// The small test export the doctor sends to each exporter's backend: one gauge point and one
// log record, made by the OpenTelemetry SDK with the agent's resource and encoded like the
// agent's own requests (payload.ts). Named backbone.doctor.test, so that nobody mistakes it
// for data about Backbone.
import { SeverityNumber } from '@opentelemetry/api';
import { type Resource } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, type ReadableLogRecord, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AGENT_NAME } from '../version.ts';

export const TEST_NAME = 'backbone.doctor.test';
const SCOPE = `${AGENT_NAME}/doctor`;

/** Reads a MeterProvider once, on request. */
class OnceReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export async function testMetrics(resource: Resource): Promise<ResourceMetrics> {
  const reader = new OnceReader();
  const provider = new MeterProvider({ resource, readers: [reader] });
  const gauge = provider.getMeter(SCOPE).createObservableGauge(TEST_NAME, {
    description: 'Sent once by backbone-otel doctor to check that this backend accepts the agent\'s data; not about Backbone.',
    unit: '1',
  });
  gauge.addCallback((observer) => observer.observe(1));
  const { resourceMetrics, errors } = await reader.collect();
  await provider.shutdown();
  if (errors.length > 0) throw new Error(`cannot make the test point: ${String(errors[0])}`);
  return resourceMetrics;
}

export async function testLogRecords(resource: Resource): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  provider.getLogger(SCOPE).emit({
    eventName: TEST_NAME,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'backbone-otel doctor: a test record, to check that this backend accepts the agent\'s logs. Nothing happened in Backbone.',
    attributes: { 'event.name': TEST_NAME },
  });
  await provider.forceFlush();
  const records = [...exporter.getFinishedLogRecords()];
  await provider.shutdown();
  return records;
}
