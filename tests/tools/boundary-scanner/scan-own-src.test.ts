/**
 * The orchestrator's own source must keep its boundary: entities and the ORM
 * stay in the control plane, workers see DTOs only. One deliberate exception:
 * the bench's hand-glue peer (src/tools/bench/hand-glue-worker.ts) is BullMQ +
 * MikroORM glued together the way nyx exists to avoid — the thing nyx is
 * measured against — and the scanner must flag exactly that, and only there.
 */
import path from 'node:path';
import { scanProject } from '../../../src/tools/boundary-scanner/scan-project.js';

const HAND_GLUE_PEER = 'tools/bench/hand-glue-worker.ts';

describe('check-boundary on this repository', () => {
  it('finds nothing in src/ but the bench peer that loads the ORM in its worker on purpose', () => {
    const findings = scanProject(path.resolve('src'));
    expect(findings.filter((finding) => finding.file !== HAND_GLUE_PEER)).toEqual([]);
    expect(findings.filter((finding) => finding.file === HAND_GLUE_PEER).map((finding) => finding.rule)).toEqual(['orm-import-in-worker']);
  });
});
