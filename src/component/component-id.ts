// Component ids as in the OpenTelemetry Collector: "type" or "type/name".
export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension';
export type Signal = 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['metrics', 'logs'];

export interface ComponentId {
  type: string;
  name: string | undefined;
  /** The id as written: "otlphttp/grafana". */
  text: string;
}

const TYPE = /^[a-z][a-z0-9_]*$/;
const NAME = /^[^\s/]+$/;

export function parseComponentId(text: string): ComponentId | string {
  const slash = text.indexOf('/');
  const type = slash < 0 ? text : text.slice(0, slash);
  const name = slash < 0 ? undefined : text.slice(slash + 1);
  if (!TYPE.test(type)) return `"${text}" is not a component id: expected type or type/name, where type is lowercase letters, digits and _`;
  if (name !== undefined && !NAME.test(name)) return `"${text}" is not a component id: the name after / must be non-empty, without spaces or /`;
  return { type, name, text };
}
