import { isScalar, visit, Document as YamlDocument } from 'yaml';
import type { AppSwitch, DeviceScriptInput } from '../devices/index.js';
import type { NetworkScript } from '../network/index.js';
import type { WaitingImageDocument } from './arbitraries/attributes.js';
import type { ActionDocument } from './arbitraries/user-operations.js';

/**
 * A case as the case format writes it (harness/runner/case-schema.ts): plain data with the seed's
 * attribute names, the way files under scenarios/suite/ are written. Generated cases are documents first;
 * `parseCase` validates them exactly like files, and a shrunk one prints as a file to save.
 */
export interface CaseDocument {
  id: string;
  title: string;
  requirements: string[];
  needs?: string[];
  durationMs: number;
  attributes: Record<string, unknown>;
  network?: NetworkScript;
  devices?: DeviceScriptInput & { app?: AppSwitch[] };
  server?: { kickAtMs?: number[] };
  waitingImage?: WaitingImageDocument;
  actions: ActionDocument[];
}

/**
 * The schedule's size: actions, app switches, failing DNS answers, connection faults, toxics, capacity
 * changes, server kicks and device faults, one step each. "A minimal case" is one with few steps.
 */
export function caseSteps(doc: CaseDocument): number {
  let n = doc.actions.length + (doc.devices?.app?.length ?? 0) + (doc.server?.kickAtMs?.length ?? 0);
  const net = doc.network;
  if (net) {
    n += (net.connections?.length ?? 0) + (net.toxics?.length ?? 0);
    n += Math.max(0, (net.uplink?.steps?.length ?? 1) - 1);
    for (const answers of Object.values(net.dns ?? {})) {
      for (const a of Array.isArray(answers) ? answers : [answers]) if (typeof a !== 'string') n++;
    }
  }
  return n + deviceFaultCount(doc);
}

/** How many device faults the document scripts (leaf fields of `devices`, `app` aside). */
export function deviceFaultCount(doc: CaseDocument): number {
  const { app: _app, ...faults } = doc.devices ?? {};
  return Object.keys(faults).length === 0 ? 0 : countLeaves(faults);
}

function countLeaves(v: unknown): number {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 1;
  let n = 0;
  for (const x of Object.values(v)) n += countLeaves(x);
  return n;
}

/** The document as YAML, in the style of scenarios/suite/ (small maps inline), with a comment on top. */
export function caseDocumentToYaml(doc: CaseDocument, comment?: string): string {
  const y = new YamlDocument(JSON.parse(JSON.stringify(doc)));
  visit(y, {
    Map(_key, node) {
      if (node.items.length <= 4 && node.items.every((p) => isScalar(p.value))) node.flow = true;
    },
    Seq(_key, node) {
      if (node.items.length <= 8 && node.items.every((x) => isScalar(x))) node.flow = true;
    },
  });
  if (comment) y.commentBefore = comment.replace(/^/gm, ' ');
  return y.toString({ lineWidth: 110 });
}
