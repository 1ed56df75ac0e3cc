// OTEL_RESOURCE_ATTRIBUTES (key=value,key=value, percent-encoded), as the OpenTelemetry
// specification reads it: the service's resource and the resource processor's from_env both
// take it, so it lives with the configuration rather than in the pipeline.
export function parseResourceAttributesEnv(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed percent-encoding: skip that pair, as the SDKs do.
    }
  }
  return out;
}
