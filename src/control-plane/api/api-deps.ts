import type { ControlPlane } from '../control-plane.js';

/** What the route modules need: the control plane (ORM, spawn, relay). */
export interface ApiDeps {
  controlPlane: ControlPlane;
}
