import fc from 'fast-check';
import type { Capability } from '../adapter/types.js';
import type { NetworkScript, ToxicScript } from '../network/index.js';
import { type CaseDefinition, parseCase } from '../runner/case-schema.js';
import { SERVER_ADDRESS, SERVER_HOST } from '../runner/run-case.js';
import { loadSpec } from '../spec/index.js';
import { appSwitchesArbitrary } from './arbitraries/app-switches.js';
import { initialAttributesArbitrary } from './arbitraries/attributes.js';
import { connectionFaultsArbitrary } from './arbitraries/connection-faults.js';
import { deviceFaultsArbitrary } from './arbitraries/device-faults.js';
import { dnsFaultsArbitrary } from './arbitraries/dns-faults.js';
import { downlinkFor, linkArbitrary } from './arbitraries/link.js';
import { outagesArbitrary } from './arbitraries/outages.js';
import { serverKicksArbitrary } from './arbitraries/server-kicks.js';
import { socketResetsArbitrary } from './arbitraries/socket-resets.js';
import { userOperationsArbitrary } from './arbitraries/user-operations.js';
import { type CaseDocument, caseSteps, deviceFaultCount } from './case-document.js';
import { pushCommandsArbitrary } from './model/push-commands-arbitrary.js';
import { runSchedule } from './model/run-schedule.js';
import { targetedRequirements } from './targeted-requirements.js';

/** Which kinds of fault a campaign injects (each can be switched off). */
export interface FaultSwitches {
  /** Capacity steps, delay, jitter, queue. */
  link: boolean;
  outages: boolean;
  dns: boolean;
  /** Connect and handshake faults per attempt, and established connections reset/closed/silent. */
  connections: boolean;
  /** Server kicks (`server.kickAtMs`). */
  kicks: boolean;
  /** Mid-stream socket resets (`reset_peer` toxics). */
  resets: boolean;
  devices: boolean;
  /** App background/foreground switches. */
  app: boolean;
  waitingImage: boolean;
}

export interface CaseArbitraryOptions {
  /** Virtual length of every case, ms. Default 60000. */
  durationMs?: number;
  /** What the pusher declares: features needing another capability are not generated. Default: all. */
  capabilities?: readonly Capability[];
  /** docs/spec.md's requirement IDs (targeted requirements are drawn from them). Default: loadSpec(). */
  requirementIds?: readonly string[];
  /** `model`: fc.commands over a model of the spec (default); `random`: operations at random times. */
  schedule?: 'model' | 'random';
  /** Default 8. */
  maxCommands?: number;
  /** The case id. Default `campaign/generated`. */
  id?: string;
  faults?: Partial<FaultSwitches>;
}

export interface ResolvedCaseArbitraryOptions {
  durationMs: number;
  capabilities: readonly Capability[];
  requirementIds: readonly string[];
  schedule: 'model' | 'random';
  maxCommands: number;
  id: string;
  faults: FaultSwitches;
}

const ALL_CAPABILITIES: readonly Capability[] = [
  'events',
  'netstatus',
  'attributes.live-update',
  'pause',
  'switchCamera',
  'snapshot',
  'waiting-image',
  'background',
  'bitrate-adaptation',
  'device-faults',
  'dns',
  'sim-time',
];

/** Resolve the options once (STYLE.md): nothing downstream handles a missing setting. */
export function resolveCaseArbitraryOptions(
  options: CaseArbitraryOptions = {},
): ResolvedCaseArbitraryOptions {
  const capabilities = options.capabilities ?? ALL_CAPABILITIES;
  const has = (c: Capability) => capabilities.includes(c);
  const f = options.faults ?? {};
  const durationMs = options.durationMs ?? 60_000;
  if (!Number.isSafeInteger(durationMs) || durationMs < 5000)
    throw new Error(
      `Failed to build the case arbitrary: durationMs ${durationMs} (expected an integer >= 5000)`,
    );
  return {
    durationMs,
    capabilities,
    requirementIds: options.requirementIds ?? loadSpec().map((r) => r.id),
    schedule: options.schedule ?? 'model',
    maxCommands: options.maxCommands ?? 8,
    id: options.id ?? 'campaign/generated',
    faults: {
      link: f.link ?? true,
      outages: f.outages ?? true,
      dns: (f.dns ?? true) && has('dns'),
      connections: f.connections ?? true,
      kicks: f.kicks ?? true,
      resets: f.resets ?? true,
      devices: (f.devices ?? true) && has('device-faults'),
      app: (f.app ?? true) && has('background'),
      waitingImage: (f.waitingImage ?? true) && has('waiting-image') && has('background'),
    },
  };
}

/** A generated case: the document (what a file would say) and its validated definition. */
export interface GeneratedCase {
  document: CaseDocument;
  definition: CaseDefinition;
  /** `caseSteps(document)`. */
  steps: number;
  /** The commands the model ran, as `<ms>ms <command>`. */
  schedule: string[];
}

const none = <T>(v: T) => fc.constant(v);

/**
 * Cases as data: a link, outages, socket resets, connection and DNS faults per attempt, server kicks,
 * device faults, initial attributes, and a schedule of user operations, attribute changes and app
 * switches from `fc.commands` over the spec model. Every value is validated by `parseCase`, exactly like
 * a case file. Shrinks towards a clean 4 Mbit/s link, no fault and a start at 0.
 */
export function generatedCaseArbitrary(options: CaseArbitraryOptions = {}): fc.Arbitrary<GeneratedCase> {
  const o = resolveCaseArbitraryOptions(options);
  const D = o.durationMs;
  const f = o.faults;
  const random = o.schedule === 'random';
  return (
    fc
      // Field order is shrink order: fast-check shrinks a record's fields in turn, so the schedule and the
      // faults (what a minimal case must lose) come first, the link and the attributes last.
      .record({
        commands: random
          ? none(undefined)
          : pushCommandsArbitrary({
              durationMs: D,
              maxCommands: o.maxCommands,
              capabilities: o.capabilities,
            }),
        randomActions: random
          ? userOperationsArbitrary({ durationMs: D, maxActions: o.maxCommands })
          : none(undefined),
        randomApp: random && f.app ? appSwitchesArbitrary({ durationMs: D }) : none(undefined),
        connections: f.connections ? connectionFaultsArbitrary() : none([]),
        dns: f.dns ? dnsFaultsArbitrary({ host: SERVER_HOST, address: SERVER_ADDRESS }) : none(undefined),
        resets: f.resets ? socketResetsArbitrary({ durationMs: D }) : none<ToxicScript[]>([]),
        kicks: f.kicks ? serverKicksArbitrary({ durationMs: D }) : none<number[]>([]),
        outages: f.outages ? outagesArbitrary({ durationMs: D, maxOutages: 1 }) : none<ToxicScript[]>([]),
        devices: f.devices ? deviceFaultsArbitrary({ durationMs: D }) : none({}),
        startAtZero: fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constant(true), weight: 6 },
          { arbitrary: fc.constant(false), weight: 1 },
        ),
        uplink: f.link ? linkArbitrary({ durationMs: D }) : none(undefined),
        initial: initialAttributesArbitrary({ waitingImage: f.waitingImage }),
      })
      .map((g): GeneratedCase => {
        const attributes = g.initial.attributes;
        const schedule = g.commands
          ? runSchedule(g.commands, {
              durationMs: D,
              attributes,
              devices: g.devices,
              startAtZero: g.startAtZero,
            })
          : {
              actions: [
                ...(g.startAtZero ? [{ atMs: 0, op: 'start' as const }] : []),
                ...(g.randomActions ?? []),
              ],
              app: g.randomApp ?? [],
              log: [],
            };
        const network: NetworkScript = {};
        if (g.uplink) {
          network.uplink = g.uplink;
          network.downlink = downlinkFor(g.uplink);
        }
        const toxics = [...g.outages, ...g.resets];
        if (toxics.length > 0) network.toxics = toxics;
        if (g.connections.length > 0) network.connections = g.connections;
        if (g.dns) network.dns = g.dns;
        const devices = f.app && schedule.app.length > 0 ? { ...g.devices, app: schedule.app } : g.devices;
        const doc: CaseDocument = {
          id: o.id,
          title: '',
          requirements: [],
          durationMs: D,
          attributes,
          ...(Object.keys(network).length > 0 ? { network } : {}),
          ...(Object.keys(devices).length > 0 ? { devices } : {}),
          ...(g.kicks.length > 0 ? { server: { kickAtMs: g.kicks } } : {}),
          ...(g.initial.waitingImage ? { waitingImage: g.initial.waitingImage } : {}),
          actions: schedule.actions,
        };
        doc.requirements = targetedRequirements(doc, o.requirementIds);
        doc.needs = needsOf(doc);
        doc.title = titleOf(doc);
        // The same validation as a case file: a generator bug shows up as a CaseDefinitionError naming the field.
        const definition = parseCase(structuredClone(doc), `generated case ${o.id}`);
        return { document: doc, definition, steps: caseSteps(doc), schedule: schedule.log };
      })
  );
}

/** `generatedCaseArbitrary` reduced to the validated `CaseDefinition`. */
export function caseArbitrary(options: CaseArbitraryOptions = {}): fc.Arbitrary<CaseDefinition> {
  return generatedCaseArbitrary(options).map((g) => g.definition);
}

/** The capabilities a generated case needs (UNSUPPORTED for a pusher without them, when saved as a file). */
function needsOf(doc: CaseDocument): string[] {
  const needs = new Set<string>();
  const ops = new Set(doc.actions.map((a) => a.op));
  if (ops.has('pause') || ops.has('resume')) needs.add('pause');
  if (ops.has('switchCamera')) needs.add('switchCamera');
  if (ops.has('snapshot')) needs.add('snapshot');
  if (ops.has('setAttributes')) needs.add('attributes.live-update');
  if (doc.devices?.app?.length) needs.add('background');
  if (doc.waitingImage) needs.add('waiting-image');
  const { app: _app, ...faults } = doc.devices ?? {};
  if (Object.keys(faults).length > 0) needs.add('device-faults');
  if (doc.network?.dns) needs.add('dns');
  return [...needs].sort();
}

function titleOf(doc: CaseDocument): string {
  const parts: string[] = [];
  const n = (count: number, what: string, plural = `${what}s`) => {
    if (count > 0) parts.push(`${count} ${count === 1 ? what : plural}`);
  };
  const net = doc.network;
  n(Math.max(0, (net?.uplink?.steps?.length ?? 1) - 1), 'capacity step');
  n(net?.toxics?.filter((t) => t.type === 'down').length ?? 0, 'outage');
  n(net?.toxics?.filter((t) => t.type === 'reset_peer').length ?? 0, 'socket reset');
  n(net?.connections?.length ?? 0, 'connection fault');
  n(
    Object.values(net?.dns ?? {})
      .flat()
      .filter((a) => typeof a === 'object' && 'error' in a).length,
    'DNS failure',
  );
  n(doc.server?.kickAtMs?.length ?? 0, 'server kick');
  n(deviceFaultCount(doc), 'device fault');
  n(doc.devices?.app?.length ?? 0, 'app switch', 'app switches');
  n(doc.actions.length, 'action');
  return `Generated: ${parts.length ? parts.join(', ') : 'a clean push'}`;
}
