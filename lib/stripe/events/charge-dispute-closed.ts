import { disputeHandler } from "./charge-dispute";

/** A dispute closed: won unlocks spending; lost takes the pack's remaining credits back, then unlocks. */
export const chargeDisputeClosed = disputeHandler;
