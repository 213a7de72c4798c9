import { randomBytes } from "node:crypto";
import { createAuth } from "../auth/auth";
import { createSnapshotHolder, type SnapshotHolder } from "../gateway/snapshot/snapshot-holder";
import { createGatewayHealth, type GatewayHealth } from "../health/gateway-health";
import { createHealthControl, type HealthControl } from "../health/health-control";
import { createHealthStream, type HealthStream } from "../observability/health-stream";
import { createLiveHub, type LiveHub } from "../observability/live-hub";
import {
  createAdminServices,
  type AdminServices,
  type AdminServicesDeps,
  type ServiceDeps,
} from "../services/admin-services";
import type { PasswordHasher } from "../services/users-service";
import { loopbackOutboundPolicy } from "./loopback-outbound";

/**
 * The whole control-plane registry for tests, over real parts: better-auth's password hashing, a
 * health layer on the test's store (never shared with other instances) evaluated over a routing
 * snapshot holder of the test's database (not loaded until a test starts it), and a live hub's event
 * stream. A test that runs its own data plane passes its `health` control or `liveStream` instead.
 */

export interface TestAdminServicesOptions extends ServiceDeps {
  readonly passwords?: PasswordHasher;
  readonly health?: HealthControl;
  readonly liveStream?: HealthStream;
  readonly alerting?: AdminServicesDeps["alerting"];
}

export interface TestAdminServices {
  readonly services: AdminServices;
  /** The health layer behind `services.health` (unless the options named one). */
  readonly health: GatewayHealth;
  /** The routing snapshots the health report evaluates groups over; call `start()` to load them. */
  readonly snapshots: SnapshotHolder;
  /** The hub behind `services.liveStream` (unless the options named one). */
  readonly hub: LiveHub;
  /** Stops the snapshot holder, the health layer and the hub (not the database or store). */
  close(): Promise<void>;
}

/** Creates the admin services registry with real test-sized parts. */
export function createTestAdminServices(options: TestAdminServicesOptions): TestAdminServices {
  const { db, store, sealer, logger } = options;
  const health = createGatewayHealth({ store, logger, shared: false, now: options.now });
  const snapshots = createSnapshotHolder({
    db,
    store,
    logger,
    reloadIntervalMs: 0,
    openCredential: (sealed, providerId) => sealer.open(sealed, providerId),
  });
  const hub = createLiveHub();
  const passwords =
    options.passwords ??
    // Only its hashing is used; a base URL keeps better-auth from warning about deriving one per request.
    createAuth({
      db,
      store,
      secret: `test-auth-${randomBytes(24).toString("hex")}`,
      baseURL: "http://127.0.0.1",
    });
  const services = createAdminServices({
    ...options,
    // Loopback receivers and upstreams are allowed explicitly, as OUTBOUND_ALLOW would.
    outbound: options.outbound ?? loopbackOutboundPolicy(),
    passwords,
    health:
      options.health ?? createHealthControl({ db, health, gateway: { snapshots, inFlight: new Map() } }),
    liveStream: options.liveStream ?? createHealthStream(hub),
  });
  return {
    services,
    health,
    snapshots,
    hub,
    async close() {
      hub.close();
      await snapshots.close();
      await health.close();
    },
  };
}
