/**
 * The orchestrator's own source must keep its boundary: entities and the ORM
 * stay in the control plane, workers see DTOs only.
 */
import path from 'node:path';
import { scanProject } from '../../../src/tools/boundary-scanner/scan-project.js';

describe('check-boundary on this repository', () => {
  it('finds nothing in src/', () => {
    expect(scanProject(path.resolve('src'))).toEqual([]);
  });
});
