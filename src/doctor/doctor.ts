// Runs every check of `backbone-otel doctor` and gathers the report: the Backbone roots and
// their layout, the REST API (and whether it agrees with the disk), the exporters, the
// storage folders. The checks that wait on the network or the disk run side by side.
import { buildResource } from '../pipeline/resource.ts';
import { apiBaseUrl } from '../receivers/backbone_rest/api-client.ts';
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';
import { checkPrometheus, checkPushExporter } from './checks/exporters.ts';
import { layoutChecks } from './checks/layout.ts';
import { agreementCheck, checkRest } from './checks/rest.ts';
import { inspectRoot, rootChecks } from './checks/root.ts';
import { checkStorage } from './checks/storage.ts';
import { costCheck } from './checks/cost.ts';
import { currentIdentity, type Identity } from './identity.ts';
import { resolvedPath } from './paths.ts';
import type { Check, DoctorReport, Section } from './report.ts';
import type { DoctorTarget } from './target.ts';

function configSection(target: DoctorTarget): Section | undefined {
  if (target.warnings.length === 0) return undefined;
  return {
    id: 'config', title: 'Configuration',
    checks: target.warnings.map((warning) => ({
      id: 'config.warning', status: 'warn', message: `${warning}.`,
      fix: 'Add it to a pipeline under service.pipelines, or remove it.',
    })),
  };
}

function restSubject(endpoint: string): string {
  try {
    return apiBaseUrl(endpoint).href;
  } catch {
    return endpoint;
  }
}

export async function runDoctor(target: DoctorTarget, identity: Identity = currentIdentity()): Promise<DoctorReport> {
  const started = performance.now();
  const flags = target.source === 'flags';
  const storageReal = new Map<string, string>();
  for (const storage of target.storage) storageReal.set(storage.dir, await resolvedPath(storage.dir));

  const resource = buildResource(target.resource);
  const [roots, rests, exporters] = await Promise.all([
    Promise.all(target.roots.map(inspectRoot)),
    Promise.all(target.rests.map(async (rest) => ({ rest, outcome: await checkRest(rest, target.source) }))),
    Promise.all([
      ...target.pushExporters.map((exporter) => checkPushExporter(exporter, resource)),
      ...target.prometheus.map(async (prometheus) => [await checkPrometheus(prometheus)]),
    ]),
  ]);

  const sections: Section[] = [];
  const config = configSection(target);
  if (config) sections.push(config);

  for (const inspection of roots) {
    sections.push({
      id: 'root', title: 'Backbone root', subject: inspection.target.root,
      checks: rootChecks(inspection, target.source, identity, target.storage, storageReal),
    });
    const layout = layoutChecks(inspection, target.source);
    if (layout.length > 0) {
      const { integrationDepth, projectDepth } = inspection.target.scan;
      sections.push({ id: 'layout', title: 'Layout', subject: `(integration_depth ${integrationDepth}, project_depth ${projectDepth})`, checks: layout });
    }
  }
  if (roots.length === 0) {
    sections.push({
      id: 'root', title: 'Backbone root', checks: [],
      note: flags ? 'not checked: give --jira-home DIR to check the message folders.' : 'not checked: no backbone_folders or backbone_events receiver.',
    });
  }

  // Integrations on disk: those of every root that could be read.
  const usable = roots.filter((r) => r.unusable === undefined && r.map !== undefined);
  const onDisk = [...new Set(usable.flatMap((r) => r.map!.integrations.map((i) => i.name)))];
  for (const { rest, outcome } of rests) {
    const checks: Check[] = [...outcome.checks];
    if (outcome.integrations !== undefined && usable.length > 0) {
      checks.push(agreementCheck(outcome.integrations, onDisk, outcome.scoped, flags ? '--jira-home' : 'root'));
    }
    sections.push({ id: 'rest', title: 'REST API', subject: restSubject(rest.config.endpoint), checks });
  }
  if (rests.length === 0) {
    sections.push({
      id: 'rest', title: 'REST API', checks: [],
      note: flags ? 'not checked: give --jira-url URL (with JIRA_USER and JIRA_PASSWORD, or JIRA_TOKEN) to check it.' : 'not checked: no backbone_rest receiver.',
    });
  }

  // The estimate counts what the roots hold: none when a root could not be read (it would say 0).
  const exporterChecks = exporters.flat();
  const unread = roots.some((r) => r.unusable !== undefined || r.hung !== undefined);
  const notes = [
    ...(exporterChecks.length === 0 ? [flags ? 'not checked: give --otlp-endpoint URL to send a test export.' : 'no exporter sends anywhere (debug prints to stdout only).'] : []),
    ...(unread ? ['no cost estimate: the Backbone root could not be read (see above).'] : []),
  ];
  sections.push({
    id: 'exporters', title: 'Exporters', checks: unread ? exporterChecks : [...exporterChecks, await costCheck(roots, target)],
    ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
  });

  const realRoots = roots.map((r) => r.real);
  const storageChecks: Check[] = [];
  for (const storage of target.storage) storageChecks.push(await checkStorage(storage, storageReal.get(storage.dir)!, realRoots, identity));
  for (const id of target.eventsWithoutStorage) {
    storageChecks.push({
      id: `storage.${id}`, status: 'warn',
      message: `${id} has no storage: moves made while the agent is stopped are not reported after a restart.`,
      fix: `Set storage of ${id} to a folder of the agent's own, outside JIRA_HOME (for example /var/lib/backbone-otel-agent).`,
    });
  }
  sections.push({
    id: 'storage', title: 'Storage', checks: storageChecks,
    ...(storageChecks.length === 0 ? { note: 'no storage folder configured: exporters queue in memory (lost on restart).' } : {}),
  });

  return {
    agent: AGENT_NAME, version: AGENT_VERSION,
    source: target.description,
    sections,
    durationMs: performance.now() - started,
  };
}
