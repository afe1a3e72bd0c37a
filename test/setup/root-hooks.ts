import { stopSharedEngine } from "../support/local-engine.js";

/** Stops the shared local engine after the whole run. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedEngine();
  },
};
