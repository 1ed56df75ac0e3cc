// The Kubernetes manifests (deploy/kubernetes) and the values for Atlassian's Jira Helm chart
// (deploy/helm/jira-values.yaml): every object valid against the Kubernetes schemas with
// unknown fields refused; then what makes the agent work in them — its configuration found
// where the arguments say, every variable it reads set, the Backbone folder mounted
// read-only, a read-only root file system, probes on the port it serves, the downward API
// feeding k8s.* resource attributes, credentials from the Secret, resources sized from the RSS
// measured on the agent, and leader election on a lease folder every agent of the Jira cluster
// shares, writable, outside the Backbone folder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { tempDir } from '../helpers/temp-dir.ts';
import { REPO } from './support/agent-child.ts';
import { envReferences, validateWithCli } from './support/config-check.ts';
import { validateAs, validateObject } from './support/kubernetes-schema.ts';

const KUBERNETES = path.join(REPO, 'deploy', 'kubernetes');
const HELM_VALUES = path.join(REPO, 'deploy', 'helm', 'jira-values.yaml');
const AGENT_VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * RSS measured on the built agent with the folder scanner and the file watcher (docs/operations.md,
 * sizing): 220 message files, and 43,700.
 */
const MEASURED_RSS_MIB = { small: 122, large: 330 };

// What Atlassian's Jira chart puts into its pods itself (templates/statefulset.yaml, values.yaml).
const CHART = {
  values: ['additionalContainers', 'volumes', 'podAnnotations'],
  volumes: new Map([['shared-home', '/var/atlassian/application-data/shared-home'], ['local-home', '/var/atlassian/application-data/jira']]),
  fsGroup: 2001,
};

type Json = Record<string, unknown>;
interface EnvVar { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } }
interface Mount { name: string; mountPath: string; readOnly?: boolean; subPath?: string }
interface Container {
  name: string; image: string; args?: string[]; env?: EnvVar[]; volumeMounts?: Mount[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Json;
}
interface Volume { name: string; configMap?: { name: string }; emptyDir?: Json; hostPath?: { path: string }; persistentVolumeClaim?: Json }
interface PodSetup { where: string; container: Container; volumes: Volume[]; podSecurityContext: Json }

function objects(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
    return doc.toJS() as Json;
  }).filter((object) => object !== null);
}

const manifestFiles = readdirSync(KUBERNETES).filter((name) => name.endsWith('.yaml')).sort();
const manifests = manifestFiles.flatMap((file) => objects(path.join(KUBERNETES, file)).map((object) => ({ file, object })));
const find = (kind: string) => manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
const configMap = find('ConfigMap')[0] as { metadata: { name: string }; data: Record<string, string> };
const secret = find('Secret')[0] as { metadata: { name: string }; stringData: Record<string, string> };
const helmValues = parse(readFileSync(HELM_VALUES, 'utf8')) as {
  additionalContainers: Container[]; volumes: { additional: Volume[] }; podAnnotations: Record<string, string>;
};

function podSetups(): PodSetup[] {
  const setups: PodSetup[] = [];
  for (const daemonSet of find('DaemonSet')) {
    const spec = (daemonSet as { spec: { template: { spec: { containers: Container[]; volumes: Volume[]; securityContext?: Json } } } }).spec.template.spec;
    for (const container of spec.containers) {
      setups.push({ where: 'daemonset.yaml', container, volumes: spec.volumes, podSecurityContext: spec.securityContext ?? {} });
    }
  }
  const chartVolumes: Volume[] = [...CHART.volumes.keys()].map((name) => ({ name, persistentVolumeClaim: {} }));
  for (const container of helmValues.additionalContainers) {
    setups.push({
      where: 'jira-values.yaml', container, volumes: [...chartVolumes, ...helmValues.volumes.additional],
      podSecurityContext: { fsGroup: CHART.fsGroup },
    });
  }
  return setups;
}

function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  assert.ok(match, `a memory quantity: ${quantity}`);
  const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };
  return Number(match[1]) * (match[2] ? factor[match[2]]! : 1 / 2 ** 20);
}

/** The container's environment as the kubelet would set it, with stand-ins for the downward API. */
function resolvedEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  const fieldValues: Record<string, string> = {
    'metadata.name': 'backbone-otel-agent-x7k2p', 'metadata.namespace': 'jira', 'spec.nodeName': 'node-1', 'status.hostIP': '10.1.2.3',
  };
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    else if (entry.valueFrom?.fieldRef) env[entry.name] = fieldValues[entry.valueFrom.fieldRef.fieldPath] ?? 'unknown';
    else if (entry.valueFrom?.secretKeyRef) env[entry.name] = secret.stringData[entry.valueFrom.secretKeyRef.key] ?? '';
  }
  return env;
}

test('every manifest is valid against the Kubernetes schemas, unknown fields refused', () => {
  assert.ok(manifests.length >= 3, `manifests in deploy/kubernetes: ${manifestFiles.join(', ')}`);
  for (const { file, object } of manifests) {
    assert.deepEqual(validateObject(object), [], `${file}: ${String(object.kind)}`);
  }
});

test('the Helm values hold only keys of Atlassian\'s Jira chart, with valid containers and volumes', () => {
  assert.deepEqual(Object.keys(helmValues).filter((key) => !CHART.values.includes(key)), []);
  assert.deepEqual(Object.keys(helmValues.volumes), ['additional']);
  for (const container of helmValues.additionalContainers) assert.deepEqual(validateAs('Container', container), [], container.name);
  for (const volume of helmValues.volumes.additional) assert.deepEqual(validateAs('Volume', volume), [], volume.name);
  for (const [key, value] of Object.entries(helmValues.podAnnotations)) assert.equal(typeof value, 'string', `annotation ${key}`);
});

test('the schemas refuse what Kubernetes would refuse (the check is not a no-op)', () => {
  const daemonSet = structuredClone(find('DaemonSet')[0]) as { spec: { template: { spec: { containers: Json[] } } } };
  const container = daemonSet.spec.template.spec.containers[0]!;
  container.readOnlyRootFileSystem = true; // misspelt, and in the wrong place
  (container.resources as Json).request = { cpu: '1' };
  container.ports = [{ containerPort: '9464' }];
  assert.deepEqual(validateObject(daemonSet).sort(), [
    '/spec/template/spec/containers/0/ports/0/containerPort: must be number',
    '/spec/template/spec/containers/0/resources: unknown field "request"',
    '/spec/template/spec/containers/0: unknown field "readOnlyRootFileSystem"',
  ].sort());
  assert.deepEqual(validateObject({ apiVersion: 'apps/v1', kind: 'DaemonSett' }),
    ['apps/v1 DaemonSett is not a kind these tests know; add it to test/deploy/support/kubernetes-schema.ts']);
});

for (const setup of podSetups()) {
  const { container, where } = setup;
  const mounts = container.volumeMounts ?? [];
  const volumeOf = (mount: Mount) => setup.volumes.find((volume) => volume.name === mount.name);
  const mountHolding = (file: string) => mounts
    .filter((mount) => file === mount.mountPath || file.startsWith(`${mount.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const env = resolvedEnv(container);
  const configArg = container.args?.[(container.args?.indexOf('--config') ?? -2) + 1];

  test(`${where}: the agent finds its configuration, and every variable it reads is set`, () => {
    assert.equal(container.args?.[0], 'run');
    assert.ok(configArg, 'args name --config FILE');
    const mount = mountHolding(configArg);
    assert.ok(mount, `${configArg} lies in a mounted volume`);
    const volume = volumeOf(mount);
    assert.equal(volume?.configMap?.name, configMap.metadata.name, 'the configuration comes from the ConfigMap');
    const text = configMap.data[path.posix.relative(mount.mountPath, configArg)];
    assert.ok(text, `the ConfigMap has the key ${path.posix.relative(mount.mountPath, configArg)}`);
    for (const reference of envReferences(text)) {
      if (reference.fallback === undefined) assert.ok(reference.name in env, `${reference.name} is set in the container`);
    }
    const file = path.join(tempDir(), 'config.yaml');
    writeFileSync(file, text);
    const result = validateWithCli(file, env);
    assert.equal(result.status, 0, result.output);
  });

  test(`${where}: the Backbone folder is mounted read-only; only emptyDirs and the lease folder are writable; the root file system is read-only`, () => {
    const root = env.BACKBONE_ROOT;
    assert.ok(root, 'BACKBONE_ROOT is set');
    const mount = mountHolding(root);
    assert.ok(mount, `${root} lies in a mounted volume`);
    assert.equal(mount.readOnly, true, `${mount.name} is mounted read-only`);
    const lease = env.LEASE_DIR === undefined ? undefined : mountHolding(env.LEASE_DIR);
    for (const writable of mounts.filter((m) => m.readOnly !== true)) {
      if (writable === lease) continue; // checked in the leader election test below
      assert.ok(volumeOf(writable)?.emptyDir, `${writable.name} at ${writable.mountPath} is writable, so it must be an emptyDir or the lease folder`);
    }
    for (const m of mounts) assert.ok(volumeOf(m), `volume ${m.name} is defined in the pod`);
    // A disk queue in an emptyDir must stay below its sizeLimit, or the kubelet evicts the pod.
    const config = parse(configMap.data[path.posix.basename(configArg ?? '')]!) as { exporters: Record<string, { storage?: string; sending_queue?: { max_size?: string } }> };
    for (const [id, exporter] of Object.entries(config.exporters)) {
      if (!exporter.storage) continue;
      const holder = mountHolding(exporter.storage);
      const volume = holder ? volumeOf(holder) : undefined;
      assert.ok(volume?.emptyDir, `${id}.storage lies in a writable emptyDir`);
      const limit = (volume.emptyDir as { sizeLimit?: string }).sizeLimit;
      assert.ok(limit && exporter.sending_queue?.max_size, `${id}: an emptyDir sizeLimit and a sending_queue.max_size`);
      assert.ok(mebibytes(exporter.sending_queue.max_size.replace(/B$/, '')) < mebibytes(limit), `${id}: max_size below the emptyDir's sizeLimit`);
    }
    const security = container.securityContext ?? {};
    assert.equal(security.readOnlyRootFilesystem, true);
    assert.equal(security.allowPrivilegeEscalation, false);
    assert.deepEqual((security.capabilities as { drop?: string[] } | undefined)?.drop, ['ALL']);
    assert.equal(security.runAsNonRoot ?? setup.podSecurityContext.runAsNonRoot, true);
    const user = (security.runAsUser ?? setup.podSecurityContext.runAsUser) as number | undefined;
    assert.ok(user !== undefined && user > 0, 'a numeric non-root user');
  });

  test(`${where}: the probes ask the health_check extension (liveness its liveness path, readiness its status), and only the DaemonSet has a readiness probe`, () => {
    const text = configMap.data[path.posix.basename(configArg ?? '')]!;
    const config = parse(text) as {
      exporters: { prometheus?: { endpoint: string } };
      extensions?: { health_check?: { endpoint: string; path?: string; liveness_path?: string } };
      service: { extensions?: string[] };
    };
    const health = config.extensions?.health_check;
    assert.ok(health && config.service.extensions?.includes('health_check'), 'the health_check extension is defined and enabled');
    assert.ok(health.endpoint.startsWith('0.0.0.0:'), 'the kubelet reaches it on the pod\'s address');
    assert.ok(config.exporters.prometheus?.endpoint.startsWith('0.0.0.0:'), 'Prometheus reaches /metrics on the pod\'s address');
    const portOf = (port: number | string) => container.ports?.find((p) => p.name === port || p.containerPort === port)?.containerPort;
    const probes = [container.livenessProbe, container.readinessProbe].filter((p) => p !== undefined);
    for (const probe of probes) {
      assert.ok(probe.httpGet, 'an HTTP probe');
      assert.equal(portOf(probe.httpGet.port), Number(health.endpoint.split(':').at(-1)));
    }
    assert.ok(container.livenessProbe, 'a liveness probe');
    // Liveness must not fail for what a restart does not mend (a backend outage): the liveness path, never the status.
    assert.equal(container.livenessProbe.httpGet?.path, health.liveness_path ?? '/livez');
    if (container.readinessProbe) assert.equal(container.readinessProbe.httpGet?.path, health.path ?? '/');
    // A sidecar's readiness gates the Jira pod's: a backend outage must not take Jira out of its Service.
    if (where === 'jira-values.yaml') assert.equal(container.readinessProbe, undefined);
    else assert.ok(container.readinessProbe, 'a readiness probe');
    const scrapePort = Number(config.exporters.prometheus!.endpoint.split(':').at(-1));
    assert.ok(container.ports?.some((p) => p.containerPort === scrapePort), 'the metrics port is declared');
  });

  test(`${where}: leader election on a lease folder the cluster's agents share, writable, outside the Backbone folder`, () => {
    const config = parse(configMap.data[path.posix.basename(configArg ?? '')]!) as {
      extensions?: { leader_election?: { lease_dir?: string; identity?: string; lease?: string } };
      service: { extensions?: string[]; leader_election?: string[] };
    };
    const election = config.extensions?.leader_election;
    assert.ok(election && config.service.extensions?.includes('leader_election'), 'the leader_election extension is defined and enabled');
    assert.equal(config.service.leader_election, undefined, 'every Backbone receiver runs on the leader only (the default)');
    assert.equal(election.lease ?? 'file', 'file', 'the file lease: no Role for the Lease API needed');
    // The lease folder from the container's environment, as mounted.
    const variable = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(election.lease_dir ?? '')?.[1];
    assert.ok(variable, 'lease_dir is read from a variable');
    const leaseDir = env[variable];
    assert.ok(leaseDir, `${variable} is set in the container`);
    const mount = mountHolding(leaseDir);
    assert.ok(mount, `${leaseDir} lies in a mounted volume`);
    assert.notEqual(mount.readOnly, true, `${mount.name} at ${mount.mountPath} is writable`);
    // Shared by the agents of the Jira cluster: not a folder of the pod's own (an emptyDir would
    // make every agent the leader of a lease of its own).
    const volume = volumeOf(mount);
    assert.ok(volume, `volume ${mount.name} is defined in the pod`);
    assert.equal(volume.emptyDir, undefined, 'the lease folder is not an emptyDir: every agent of the cluster must see the same one');
    assert.ok(volume.hostPath || (where === 'jira-values.yaml' && mount.name === 'shared-home'),
      'the lease folder is on the host (DaemonSet) or in the chart\'s shared home (sidecar)');
    // Outside the Backbone folder, where the agent never writes: compare where both are in
    // their volumes (the host's file system for a hostPath).
    const source = (containerPath: string) => {
      const holder = mountHolding(containerPath)!;
      const holderVolume = volumeOf(holder)!;
      const inVolume = path.posix.join('/', holderVolume.hostPath?.path ?? '', holder.subPath ?? '', path.posix.relative(holder.mountPath, containerPath));
      return { origin: holderVolume.hostPath ? 'host' : `volume ${holder.name}`, path: inVolume };
    };
    const lease = source(leaseDir);
    const backbone = source(env.BACKBONE_ROOT!);
    if (lease.origin === backbone.origin) {
      const inside = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
      assert.ok(!inside(lease.path, backbone.path) && !inside(backbone.path, lease.path),
        `the lease folder ${lease.path} and the Backbone folder ${backbone.path} (${lease.origin}) lie apart`);
    }
    // The Backbone folder stays read-only even where the lease folder is in the same volume.
    assert.equal(mountHolding(env.BACKBONE_ROOT!)!.readOnly, true);
    if (election.identity !== undefined) {
      const identity = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(election.identity)?.[1];
      const fieldPath = (container.env ?? []).find((e) => e.name === identity)?.valueFrom?.fieldRef?.fieldPath;
      assert.equal(fieldPath, 'metadata.name', 'identity: the pod\'s name, unique in the cluster');
    }
  });

  test(`${where}: the downward API feeds k8s.pod.name, k8s.namespace.name and k8s.node.name`, () => {
    const fields = Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.fieldRef).map((e) => [e.name, e.valueFrom!.fieldRef!.fieldPath]));
    const config = parse(configMap.data[path.posix.basename(configArg ?? '')]!) as { service: { resource: Record<string, string> } };
    const expected = { 'k8s.pod.name': 'metadata.name', 'k8s.namespace.name': 'metadata.namespace', 'k8s.node.name': 'spec.nodeName' };
    for (const [attribute, fieldPath] of Object.entries(expected)) {
      const variable = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(config.service.resource[attribute] ?? '')?.[1];
      assert.ok(variable, `service.resource.${attribute} is read from a variable`);
      assert.equal(fields[variable], fieldPath, `${variable} comes from ${fieldPath}`);
    }
  });

  test(`${where}: credentials come from the Secret, and the image is this version`, () => {
    const references = (container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
    assert.ok(references.length > 0);
    for (const reference of references) {
      assert.equal(reference.name, secret.metadata.name);
      assert.ok(reference.key in secret.stringData, `the Secret has the key ${reference.key}`);
    }
    for (const entry of container.env ?? []) {
      if (/token|password|secret|api.?key/i.test(entry.name)) assert.ok(entry.valueFrom?.secretKeyRef, `${entry.name} comes from a Secret`);
    }
    assert.match(container.image, new RegExp(`/backbone-otel-agent:${AGENT_VERSION.replace(/\./g, '\\.')}$`));
  });

  test(`${where}: resources are sized from the measured RSS`, () => {
    const { requests = {}, limits = {} } = container.resources ?? {};
    assert.ok(requests.cpu && requests.memory && limits.memory, 'cpu and memory requests, a memory limit');
    assert.ok(mebibytes(requests.memory) >= MEASURED_RSS_MIB.small, `the request covers the ${MEASURED_RSS_MIB.small} MiB of a small installation`);
    assert.ok(mebibytes(limits.memory) >= MEASURED_RSS_MIB.large * 1.25, `the limit leaves 25 % above ${MEASURED_RSS_MIB.large} MiB`);
  });
}

test('the Helm sidecar reads the Backbone folder in the chart\'s shared home, and keeps the lease beside it', () => {
  const container = helmValues.additionalContainers[0]!;
  const sharedHome = CHART.volumes.get('shared-home')!;
  const mounts = container.volumeMounts?.filter((m) => m.name === 'shared-home') ?? [];
  const whole = mounts.find((m) => m.subPath === undefined);
  assert.equal(whole?.mountPath, sharedHome);
  assert.equal(whole.readOnly, true, 'the shared home as a whole is read-only');
  assert.equal(resolvedEnv(container).BACKBONE_ROOT, `${sharedHome}/data/backbone-issue-sync`);
  // The shared home once more, writable, only its backbone-otel folder: the lease folder.
  const lease = mounts.find((m) => m.subPath !== undefined);
  assert.equal(lease?.subPath, 'backbone-otel');
  assert.notEqual(lease.readOnly, true);
  assert.equal(resolvedEnv(container).LEASE_DIR, lease.mountPath);
  assert.equal(mounts.length, 2);
  assert.equal(helmValues.podAnnotations['prometheus.io/port'], String(container.ports?.find((p) => p.name === 'otel-metrics')?.containerPort));
});
